import type { IncomingMessage, ServerResponse } from 'node:http';
import { SESSION_COOKIE } from './constants.js';
import type { PortalContext } from './context.js';
import { parseCookies, redirect } from './http.js';
import type { Session } from './sessions.js';

export function sessionToken(req: IncomingMessage): string | undefined {
  return parseCookies(req.headers.cookie)[SESSION_COOKIE];
}

/**
 * The session of a request, or undefined after answering with the redirect a real portal
 * gives: to the site's login page (with the reason) or to the license page.
 * `protectedRoute` requests count towards `kick` and need the license accepted; `document`
 * requests (a vehicle page, a PDF) are what the `bounce` fault sends back to the sign-in page.
 */
export function requireSession(
  ctx: PortalContext,
  req: IncomingMessage,
  res: ServerResponse,
  options: { protectedRoute: boolean; document?: boolean },
): Session | undefined {
  const auth = ctx.sessions.authenticate(sessionToken(req), ctx.faults.spec.expire);
  if (!auth.ok) {
    redirect(res, `${ctx.loginPath}?reason=${auth.reason}`);
    return undefined;
  }
  if (options.protectedRoute && ctx.faults.countForKick()) {
    // The user "logged in elsewhere": every active session ends, this request's included.
    ctx.sessions.endAll('kicked');
    redirect(res, `${ctx.loginPath}?reason=session-ended`);
    return undefined;
  }
  if (options.document && ctx.faults.roll(ctx.faults.spec.bounce)) {
    ctx.stats.c.faultsInjected.bounce += 1;
    ctx.sessions.end(sessionToken(req)!, 'expired');
    redirect(res, `${ctx.loginPath}?reason=session-ended`);
    return undefined;
  }
  if (options.protectedRoute && !auth.session.licenseAccepted) {
    redirect(res, '/license');
    return undefined;
  }
  return auth.session;
}
