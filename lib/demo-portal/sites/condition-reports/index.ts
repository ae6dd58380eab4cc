import type { PortalContext } from '../../context.js';
import { matchStatic, page, pathParam, pdf, routeVerb, type Route, type RouteMatch, type RouteTable } from '../../routing.js';
import type { SiteDefinition } from '../types.js';
import { getFeed, getFile, getJob, getList, postJob } from './api.js';
import { BRANDING, FEED_PATH, HOME_PATH, JOBS_PATH, LIST_PATH, SIGNIN_CODE_PATH, SIGNIN_FRAME_PATH, SIGNIN_PATH, TERMS_PATH } from './constants.js';
import { generateConditionInventory } from './inventory.js';
import { renderConditionReportPdf } from './pdf.js';
import { getHome, getSignin, getSigninFrame, getTerms, postSigninCode, postSigninFrame, postTerms } from './signin.js';
import { createConditionState } from './state.js';

const JOB = /^\/api\/reports\/([^/]+)$/;
const FILE = /^\/files\/([^/]+)$/;

/** The routes of one running condition-reports portal (its own sign-ins, jobs and links). */
function conditionRoutes(_ctx: PortalContext): RouteTable {
  const state = createConditionState();
  // API routes are `page` routes with protectedRoute: faults (5xx, hang) apply; each checks its own session.
  const exact: Record<string, Route> = {
    [`GET ${HOME_PATH}`]: page(getHome, true),
    [`GET ${SIGNIN_PATH}`]: page(getSignin),
    [`GET ${SIGNIN_FRAME_PATH}`]: page(getSigninFrame(state)),
    [`POST ${SIGNIN_FRAME_PATH}`]: page(postSigninFrame(state)),
    [`POST ${SIGNIN_CODE_PATH}`]: page(postSigninCode(state)),
    [`GET ${TERMS_PATH}`]: page(getTerms),
    [`POST ${TERMS_PATH}`]: page(postTerms),
    [`GET ${LIST_PATH}`]: page(getList, true),
    [`GET ${FEED_PATH}`]: page(getFeed, true),
    [`POST ${JOBS_PATH}`]: page(postJob(state), true),
  };
  const byParam: Array<[RegExp, Route]> = [
    [JOB, page(getJob(state), true)],
    [FILE, pdf(getFile(state))],
  ];
  return (method: string, path: string): RouteMatch | undefined => {
    const verb = routeVerb(method);
    const route = exact[`${verb} ${path}`];
    if (route) return { route, param: '' };
    if (verb !== 'GET') return undefined;
    const asset = matchStatic(verb, path);
    if (asset) return asset;
    for (const [pattern, paramRoute] of byParam) {
      const param = pathParam(pattern, path);
      if (param !== undefined) return { route: paramRoute, param };
    }
    return undefined;
  };
}

/**
 * The condition-reports portal (profile `condition-reports`): an API-driven portal. The
 * sign-in form sits in an iframe with label-less inputs whose names and ids change on every
 * load, then asks for a TOTP code; terms whose Agree stays disabled until a box is ticked; the
 * inventory only as a cursor-paged JSON feed behind an infinite-scroll list; reports prepared
 * as jobs (POST, poll, then a one-time link); a dead session answered by the API with HTTP 200
 * and the sign-in page; stock numbers with slashes, spaces, lowercase and non-ASCII letters.
 */
export const conditionReportsSite: SiteDefinition = {
  name: 'condition-reports',
  branding: BRANDING,
  loginPath: SIGNIN_PATH,
  inventory: generateConditionInventory,
  renderPdf: renderConditionReportPdf,
  routes: conditionRoutes,
};
