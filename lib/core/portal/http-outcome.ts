import {
  SessionExpiredError,
  ThrottledError,
  TransientError,
  VehicleFailedError,
  type FleetPdfError,
} from '../errors.js';
import { findPdfHeader } from '../verify/index.js';
import type { PortalProfile } from './profile.js';

/**
 * What a portal's HTTP answer means, in one place for both document paths: the browser path
 * (Playwright responses) and the direct path (plain HTTP GETs) map the same answers to the
 * same errors, so the retry policy, the breaker and the reports cannot tell them apart.
 */

/** Redirects followed at most (a PDF URL may bounce to a file host; a loop must end). */
export const MAX_REDIRECTS = 5;

export const isRedirect = (status: number): boolean => status === 301 || status === 302 || status === 303 || status === 307 || status === 308;

/** `Retry-After` as ms: delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The error an HTTP status means, or undefined when the answer is usable: 429 = throttled
 * (with the Retry-After hint), 5xx = transient, 404 = the portal does not know the vehicle,
 * any other 4xx = transient.
 */
export function httpStatusError(status: number, what: string, retryAfter?: string): FleetPdfError | undefined {
  if (status === 429) return new ThrottledError(`HTTP 429 on ${what}`, parseRetryAfterMs(retryAfter));
  if (status >= 500) return new TransientError(`HTTP ${status} on ${what}`, `http_${status}`);
  if (status === 404) return new VehicleFailedError(`HTTP 404 on ${what}: the portal does not know it`, 'not_found');
  if (status >= 400) return new TransientError(`HTTP ${status} on ${what}`, `http_${status}`);
  return undefined;
}

/**
 * The error an API answer's status means (a `page.request` answer, a direct hook's request):
 * as httpStatusError, and 401/403 = the session ended (an API says "not signed in" that way),
 * 503 with Retry-After = throttled for that long.
 */
export function apiStatusError(status: number, what: string, retryAfter: string | undefined, sessionVersion: number): FleetPdfError | undefined {
  if (status === 401 || status === 403) return sessionEnded(`HTTP ${status} on ${what}`, sessionVersion);
  if (status === 503 && retryAfter !== undefined && parseRetryAfterMs(retryAfter) !== undefined) {
    return new ThrottledError(`HTTP 503 on ${what}`, parseRetryAfterMs(retryAfter));
  }
  return httpStatusError(status, what, retryAfter);
}

/** Is this URL the portal's login page (where an expired or kicked session is sent)? */
export function isLoginUrl(url: URL, profile: PortalProfile): boolean {
  return profile.session.loginUrlPattern.test(url.pathname + url.search);
}

/** Is this URL the portal's license page (asked again: the session must be renewed)? */
export function isLicenseUrl(url: URL, profile: PortalProfile): boolean {
  return profile.license?.urlPattern.test(url.pathname) ?? false;
}

/** A body that is the portal's login page rather than a document. */
export function isLoginPageBody(body: Buffer, profile: PortalProfile): boolean {
  const marker = profile.session.loginPageMarker;
  if (!marker) return false;
  const head = body.subarray(0, 8192).toString('latin1');
  return !head.includes('%PDF-') && marker.test(head);
}

/** The session ended (`detail` says how it showed): the error that makes the worker refresh it single-flight. */
export function sessionEnded(detail: string, sessionVersion: number): SessionExpiredError {
  return new SessionExpiredError(`session ended (${detail})`, sessionVersion);
}

/** Starts like a PDF (verification decides whether it is one, and whose). */
export function looksLikePdf(body: Buffer): boolean {
  return findPdfHeader(body) >= 0;
}

/**
 * A direct-URL failure the vehicle's page might not have: the portal does not serve that URL
 * (404, or another 4xx than 429). 5xx, timeouts, 429 and ended sessions are the portal's state,
 * the same for both paths, and are retried as they are.
 */
export function browserMightSucceed(error: FleetPdfError): boolean {
  if (error instanceof VehicleFailedError) return error.reason === 'not_found';
  return error instanceof TransientError && /^http_4\d\d$/.test(error.reason);
}
