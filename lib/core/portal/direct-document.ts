import { CriticalError, TransientError } from '../errors.js';
import type { PortalSession, SessionCookie, Vehicle } from '../types.js';
import { hookContext } from './hook-context.js';
import { httpStatusError, isLicenseUrl, isLoginPageBody, isLoginUrl, isRedirect, MAX_REDIRECTS, sessionEnded } from './http-outcome.js';
import { checkRedirectOrigin, cookiesFor, portalOrigins } from './origins.js';
import { portalUrl, vehiclePath, type PortalProfile, type StepContext } from './profile.js';
import { sessionHttp } from './session-http.js';

/** One request of the direct path (a GET unless `method` says otherwise). */
export interface HttpGetRequest {
  url: URL;
  /** @default 'GET' */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Extra request headers (content-type, accept). */
  headers?: Readonly<Record<string, string>>;
  body?: string | Buffer;
  /** The cookies this request may carry (none off the portal's origins); the client sends the ones that match the URL (host, path, secure, expiry). */
  cookies: readonly SessionCookie[];
  /** Budget for the whole request, body included, in ms. */
  timeoutMs: number;
}

/** The answer, body read in full. Redirects are not followed: they are answers too. */
export interface HttpGetAnswer {
  status: number;
  /** The `Location` header, if any. */
  location?: string;
  /** The `Retry-After` header, if any. */
  retryAfter?: string;
  /** The `Content-Type` header, if any. */
  contentType?: string;
  body: Buffer;
}

/**
 * The port the direct path needs from an HTTP client (lib/http implements it with undici).
 * Network failures and timeouts reject with a FleetPdfError (TransientError), like a page would.
 */
export type HttpGet = (request: HttpGetRequest) => Promise<HttpGetAnswer>;


/** Does the profile have a direct path at all (a stable URL or a direct document hook)? */
export const hasDirectPath = (profile: PortalProfile): boolean => Boolean(profile.document.directPath || profile.document.direct);

/** The direct URL of a vehicle's document, or undefined when the profile has none. */
export function directDocumentUrl(profile: PortalProfile, vehicle: Vehicle, baseUrl: string): URL | undefined {
  const template = profile.document.directPath;
  return template ? portalUrl(baseUrl, vehiclePath(template, vehicle)) : undefined;
}

/**
 * The direct path for one vehicle: the profile's direct document hook, or a GET of its document URL with the session cookies and return the
 * body. HTTP answers mean what they mean on the browser path (http-outcome.ts): 429, 5xx, 404,
 * a redirect to the login or license page, or the login page as the body. Anything else is
 * returned for verification to judge (an HTML page, JSON or a short body is rejected there).
 */
export async function fetchDocumentDirect(
  get: HttpGet,
  profile: PortalProfile,
  vehicle: Vehicle,
  ctx: StepContext,
  session: PortalSession,
): Promise<Buffer> {
  const hook = profile.document.direct;
  if (hook) {
    const hookCtx = hookContext(ctx, profile, session.version);
    const body = await hook(sessionHttp(get, profile, hookCtx, session), vehicle, hookCtx);
    if (isLoginPageBody(body, profile)) throw sessionEnded(`got the login page instead of ${vehicle.ref}'s PDF`, session.version);
    return body;
  }
  const start = directDocumentUrl(profile, vehicle, ctx.baseUrl);
  if (!start) throw new CriticalError(`profile ${profile.name} has no document.directPath`, 'bad_config');
  let url: URL = start;
  const what = `PDF of ${vehicle.ref}`;
  const origins = portalOrigins(profile, ctx.baseUrl);
  for (let redirects = 0; ; redirects += 1) {
    const answer = await get({ url, cookies: cookiesFor(url, origins, session.cookies), timeoutMs: ctx.stepTimeoutMs });
    if (isRedirect(answer.status) && answer.location) {
      const next: URL = new URL(answer.location, url);
      if (isLoginUrl(next, profile)) throw sessionEnded(`sent to the login page on ${what}`, session.version);
      // The license asked again: a new login accepts it (the browser path accepts it in place).
      if (isLicenseUrl(next, profile)) throw sessionEnded(`sent to the license page on ${what}`, session.version);
      if (redirects >= MAX_REDIRECTS) throw new TransientError(`more than ${MAX_REDIRECTS} redirects on ${what}`, 'redirect_loop');
      checkRedirectOrigin(next, origins, profile, what);
      url = next;
      continue;
    }
    const error = httpStatusError(answer.status, what, answer.retryAfter);
    if (error) throw error;
    if (isLoginPageBody(answer.body, profile)) {
      throw sessionEnded(`got the login page instead of ${vehicle.ref}'s PDF`, session.version);
    }
    return answer.body;
  }
}
