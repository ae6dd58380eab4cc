import { TransientError } from '../errors.js';
import type { PortalSession } from '../types.js';
import type { HttpGet, HttpGetAnswer } from './direct-document.js';
import { apiStatusError, isLicenseUrl, isLoginUrl, isRedirect, MAX_REDIRECTS } from './http-outcome.js';
import { checkRedirectOrigin, cookiesFor, portalOrigins } from './origins.js';
import { portalUrl, type HookContext, type PortalProfile } from './profile.js';

/** One request of a direct document hook. */
export interface SessionHttpInit {
  /** @default 'GET' */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Readonly<Record<string, string>>;
  headers?: Readonly<Record<string, string>>;
  /** Names the request in errors (never the query string). @default the method and path */
  what?: string;
}

/** A checked answer: a 2xx (or another non-error status), redirects followed. */
export interface SessionHttpAnswer extends HttpGetAnswer {
  /** Where the last redirect led. */
  url: URL;
}

/**
 * HTTP with the session's cookies, for direct document hooks. Every answer is checked the way
 * the direct path checks its GET: a redirect to the sign-in or license page, 401/403, or the
 * sign-in page as a body = the session ended (with the right version); 429 (and 503 with
 * Retry-After) = throttled; 5xx = transient; 404 = the vehicle can never succeed.
 */
export interface SessionHttp {
  request(path: string, init?: SessionHttpInit): Promise<SessionHttpAnswer>;
  /** The answer parsed as JSON (a body that is not JSON is a transient error). */
  json<T = unknown>(path: string, init?: SessionHttpInit): Promise<T>;
  /** The answer's body (a document: verification judges it). */
  bytes(path: string, init?: SessionHttpInit): Promise<Buffer>;
}

function encode(init: SessionHttpInit): { headers: Record<string, string>; body?: string } {
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    return { headers, body: JSON.stringify(init.json) };
  }
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return { headers, body: new URLSearchParams(init.form).toString() };
  }
  return { headers };
}

/** The session-bound client for one step (one vehicle's attempt) run with `session`. */
export function sessionHttp(send: HttpGet, profile: PortalProfile, ctx: HookContext, session: PortalSession): SessionHttp {
  const origins = portalOrigins(profile, ctx.baseUrl);
  const request = async (path: string, init: SessionHttpInit = {}): Promise<SessionHttpAnswer> => {
    let url = portalUrl(ctx.baseUrl, path);
    let method = init.method ?? 'GET';
    let { headers, body } = encode(init);
    const what = init.what ?? `${method} ${url.pathname}`;
    for (let redirects = 0; ; redirects += 1) {
      const answer = await send({ url, method, headers, ...(body === undefined ? {} : { body }), cookies: cookiesFor(url, origins, session.cookies), timeoutMs: ctx.stepTimeoutMs });
      if (isRedirect(answer.status) && answer.location) {
        const next = new URL(answer.location, url);
        if (isLoginUrl(next, profile)) throw ctx.sessionEnded(`sent to the login page on ${what}`);
        if (isLicenseUrl(next, profile)) throw ctx.sessionEnded(`sent to the license page on ${what}`);
        if (redirects >= MAX_REDIRECTS) throw new TransientError(`more than ${MAX_REDIRECTS} redirects on ${what}`, 'redirect_loop');
        checkRedirectOrigin(next, origins, profile, what);
        // 301/302/303 turn a POST into a GET, as browsers do; 307/308 repeat it.
        if (answer.status !== 307 && answer.status !== 308) {
          method = 'GET';
          body = undefined;
          headers = { ...init.headers };
        }
        url = next;
        continue;
      }
      const error = apiStatusError(answer.status, what, answer.retryAfter, session.version);
      if (error) throw error;
      if (ctx.isLoginPage(answer.body)) throw ctx.sessionEnded(`got the login page on ${what}`);
      return { ...answer, url };
    }
  };
  return {
    request,
    async json<T>(path: string, init: SessionHttpInit = {}): Promise<T> {
      const answer = await request(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
      try {
        return JSON.parse(answer.body.toString('utf8')) as T;
      } catch {
        throw new TransientError(`not JSON on ${init.what ?? path.split('?')[0]} (${answer.contentType ?? 'no content type'})`, 'not_json');
      }
    },
    async bytes(path: string, init: SessionHttpInit = {}): Promise<Buffer> {
      return (await request(path, init)).body;
    },
  };
}
