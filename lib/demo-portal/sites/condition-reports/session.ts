import type { IncomingMessage, ServerResponse } from 'node:http';
import { sessionToken } from '../../auth.js';
import type { PortalContext } from '../../context.js';
import { redirect, sendHtml, sendJson } from '../../http.js';
import type { Session } from '../../sessions.js';
import { SIGNIN_PATH, TERMS_PATH } from './constants.js';
import { signinShell } from './shell.js';

/**
 * The session of a request on this site. Pages redirect a dead session to the sign-in page;
 * the API answers it the way this portal's gateway does: HTTP 200 with the sign-in page as the
 * body (so a client that only checks the status takes it for data). Every authenticated
 * request counts towards `expire`. `terms`: the terms page itself, which needs no accepted terms.
 */
export function siteSession(
  ctx: PortalContext,
  req: IncomingMessage,
  res: ServerResponse,
  kind: 'page' | 'api' | 'terms',
): Session | undefined {
  const auth = ctx.sessions.authenticate(sessionToken(req), ctx.faults.spec.expire);
  if (!auth.ok) {
    if (kind === 'api') sendHtml(res, 200, signinShell(auth.reason));
    else redirect(res, `${SIGNIN_PATH}?reason=${auth.reason}`);
    return undefined;
  }
  if (kind !== 'terms' && ctx.faults.countForKick()) {
    ctx.sessions.endAll('kicked');
    if (kind === 'api') sendHtml(res, 200, signinShell('session-ended'));
    else redirect(res, `${SIGNIN_PATH}?reason=session-ended`);
    return undefined;
  }
  if (kind === 'api' && ctx.faults.roll(ctx.faults.spec.bounce)) {
    ctx.stats.c.faultsInjected.bounce += 1;
    ctx.sessions.end(auth.session.token, 'expired');
    sendHtml(res, 200, signinShell('session-ended'));
    return undefined;
  }
  if (kind !== 'terms' && !auth.session.licenseAccepted) {
    if (kind === 'api') sendJson(res, 403, { error: 'terms_not_accepted', message: 'Accept the terms of use first.' });
    else redirect(res, TERMS_PATH);
    return undefined;
  }
  return auth.session;
}
