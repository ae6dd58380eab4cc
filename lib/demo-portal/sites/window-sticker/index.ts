import type { PortalContext } from '../../context.js';
import { matchStatic, page, pathParam, pdf, routeVerb, type Route, type RouteMatch, type RouteTable } from '../../routing.js';
import type { SiteDefinition } from '../types.js';
import { BRANDING, PASSWORD_PATH, SIGNIN_PATH } from './constants.js';
import { getGrid, postGridFilter, postGridReset } from './grid.js';
import { generateStickerInventory } from './inventory.js';
import { renderWindowStickerPdf } from './pdf.js';
import { getHome, getPassword, getSignin, getSignout, postPassword, postSignin } from './signin.js';
import { createStickerState } from './state.js';
import { getStickerPdf, getStickerPreparing, getVehicle } from './sticker.js';

const VEHICLE_PAGE = /^\/vehicles\/([^/]+)$/;
const STICKER_PAGE = /^\/vehicles\/([^/]+)\/sticker$/;
const STICKER_PDF = /^\/vehicles\/([^/]+)\/sticker\.pdf$/;

/** The routes of one running window-sticker portal (its own filters, sign-ins and link key). */
function stickerRoutes(_ctx: PortalContext): RouteTable {
  const state = createStickerState();
  const exact: Record<string, Route> = {
    'GET /': page(getHome),
    [`GET ${SIGNIN_PATH}`]: page(getSignin),
    [`POST ${SIGNIN_PATH}`]: page(postSignin(state)),
    [`GET ${PASSWORD_PATH}`]: page(getPassword(state)),
    [`POST ${PASSWORD_PATH}`]: page(postPassword(state)),
    'GET /logout': page(getSignout),
    'GET /inventory': page(getGrid(state), true),
    'POST /inventory/filters': page(postGridFilter(state), true),
    'POST /inventory/filters/reset': page(postGridReset(state), true),
  };
  const byRef: Array<[RegExp, Route]> = [
    [STICKER_PDF, pdf(getStickerPdf(state))],
    [STICKER_PAGE, page(getStickerPreparing(state), true)],
    [VEHICLE_PAGE, page(getVehicle(state), true)],
  ];
  return (method: string, path: string): RouteMatch | undefined => {
    const verb = routeVerb(method);
    const route = exact[`${verb} ${path}`];
    if (route) return { route, param: '' };
    if (verb !== 'GET') return undefined;
    const asset = matchStatic(verb, path);
    if (asset) return asset;
    for (const [pattern, refRoute] of byRef) {
      const ref = pathParam(pattern, path);
      if (ref !== undefined) return { route: refRoute, param: ref };
    }
    return undefined;
  };
}

/**
 * The window-sticker portal (profile `window-sticker`), after the dealer tools of seed 004:
 * a two-step sign-in (user name, then password), an inventory grid with sticky status/make
 * filters and 25 rows a page (no export), and per vehicle a "Window sticker" control that opens
 * the PDF in a new tab through a "preparing" page. A few VINs fail their check digit; the
 * portal cannot make their stickers.
 */
export const windowStickerSite: SiteDefinition = {
  name: 'window-sticker',
  branding: BRANDING,
  loginPath: SIGNIN_PATH,
  inventory: generateStickerInventory,
  renderPdf: renderWindowStickerPdf,
  routes: stickerRoutes,
};
