import { VehicleFailedError } from '../errors.js';
import type { SessionCookie } from '../types.js';
import type { PortalProfile } from './profile.js';

/** What the direct path does with a redirect to another origin: see `PortalProfile.document.crossOriginRedirects`. */
export type CrossOriginRedirects = 'follow-without-cookies' | 'refuse';

/**
 * The origins (scheme, host and port) that are the portal's own: the base URL's and the
 * profile's `allowedOrigins`. Session cookies go to these only: a cookie for `127.0.0.1`
 * matches every port by RFC 6265, so domain matching alone would hand the session to
 * whatever listens on another port of the same host.
 */
export function portalOrigins(profile: Pick<PortalProfile, 'allowedOrigins'>, baseUrl: string): ReadonlySet<string> {
  return new Set([new URL(baseUrl).origin, ...(profile.allowedOrigins ?? []).map((o) => new URL(o).origin)]);
}

/** The cookies a request to `url` may carry: the session's on the portal's origins, none elsewhere. */
export function cookiesFor(url: URL, origins: ReadonlySet<string>, cookies: readonly SessionCookie[]): readonly SessionCookie[] {
  return origins.has(url.origin) ? cookies : [];
}

/**
 * A redirect from the portal to `next` on another origin: followed (without cookies, see
 * cookiesFor) unless the profile says `refuse`, then the vehicle fails at once (not retried:
 * the portal will send it there again).
 */
export function checkRedirectOrigin(next: URL, origins: ReadonlySet<string>, profile: PortalProfile, what: string): void {
  if (origins.has(next.origin) || (profile.document.crossOriginRedirects ?? 'follow-without-cookies') !== 'refuse') return;
  throw new VehicleFailedError(`redirected to another origin (${next.origin}) on ${what}; the profile refuses cross-origin redirects`, 'cross_origin');
}
