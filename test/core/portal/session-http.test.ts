import { describe, expect, it } from 'vitest';
import { SessionExpiredError, ThrottledError, TransientError, VehicleFailedError } from '../../../lib/core/errors.js';
import type { HttpGet, HttpGetAnswer, HttpGetRequest } from '../../../lib/core/portal/direct-document.js';
import { fetchDocumentDirect } from '../../../lib/core/portal/direct-document.js';
import { hookContext } from '../../../lib/core/portal/hook-context.js';
import { apiStatusError } from '../../../lib/core/portal/http-outcome.js';
import type { PortalProfile } from '../../../lib/core/portal/profile.js';
import { sessionHttp } from '../../../lib/core/portal/session-http.js';
import { resolveFetchMode } from '../../../lib/core/portal/fetch-mode.js';
import { dealerValues } from '../../../lib/profiles/index.js';

const profile: PortalProfile = {
  ...dealerValues,
  session: { loginUrlPattern: /^\/signin\b/, loginPageMarker: /id="signin-shell"/ },
  license: { urlPattern: /^\/terms$/, acceptSelector: '#agree' },
};
const ctx = hookContext({ baseUrl: 'http://portal.test', stepTimeoutMs: 1000 }, profile, 5);
const session = { version: 5, cookies: [], createdAt: 0 };

/** A scripted portal: one answer per request, recording what was asked. */
function scripted(answers: Array<Partial<HttpGetAnswer>>): { get: HttpGet; asked: HttpGetRequest[] } {
  const asked: HttpGetRequest[] = [];
  const get: HttpGet = async (request) => {
    asked.push(request);
    const answer = answers.shift() ?? { status: 500 };
    return { status: 200, body: Buffer.alloc(0), ...answer };
  };
  return { get, asked };
}

const reject = (p: Promise<unknown>) => p.catch((e: unknown) => e);

describe('apiStatusError', () => {
  it('maps 401/403 to an ended session with the version, 503 + Retry-After to throttled, 5xx to transient, 404 to the vehicle', () => {
    const ended = apiStatusError(401, 'feed', undefined, 3);
    expect(ended).toBeInstanceOf(SessionExpiredError);
    expect((ended as SessionExpiredError).staleVersion).toBe(3);
    expect(apiStatusError(403, 'feed', undefined, 3)).toBeInstanceOf(SessionExpiredError);
    const slow = apiStatusError(503, 'feed', '7', 3);
    expect(slow).toBeInstanceOf(ThrottledError);
    expect((slow as ThrottledError).retryAfterMs).toBe(7000);
    expect(apiStatusError(429, 'feed', '2', 3)).toBeInstanceOf(ThrottledError);
    expect(apiStatusError(503, 'feed', undefined, 3)).toBeInstanceOf(TransientError);
    expect(apiStatusError(502, 'feed', undefined, 3)).toBeInstanceOf(TransientError);
    expect(apiStatusError(404, 'feed', undefined, 3)).toBeInstanceOf(VehicleFailedError);
    expect(apiStatusError(200, 'feed', undefined, 3)).toBeUndefined();
  });
});

describe('sessionHttp (a direct document hook\'s client)', () => {
  it('sends JSON with the session cookies and parses the answer', async () => {
    const portal = scripted([{ status: 202, body: Buffer.from('{"jobId":"j1"}') }]);
    const http = sessionHttp(portal.get, profile, ctx, session);
    expect(await http.json('/api/reports', { method: 'POST', json: { stock: 'A/1' } })).toEqual({ jobId: 'j1' });
    expect(portal.asked[0]).toMatchObject({ method: 'POST', body: '{"stock":"A/1"}', headers: { 'content-type': 'application/json', accept: 'application/json' } });
    expect(portal.asked[0]!.url.toString()).toBe('http://portal.test/api/reports');
  });

  it('a 200 whose body is the sign-in page is an ended session with the right version', async () => {
    const portal = scripted([{ status: 200, body: Buffer.from('<html><section id="signin-shell">') }]);
    const error = await reject(sessionHttp(portal.get, profile, ctx, session).json('/api/x'));
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((error as SessionExpiredError).staleVersion).toBe(5);
  });

  it('a redirect to the sign-in or license page is an ended session; other redirects are followed (POST becomes GET)', async () => {
    expect(await reject(sessionHttp(scripted([{ status: 302, location: '/signin?reason=expired' }]).get, profile, ctx, session).bytes('/f/1'))).toBeInstanceOf(SessionExpiredError);
    expect(await reject(sessionHttp(scripted([{ status: 302, location: '/terms' }]).get, profile, ctx, session).bytes('/f/1'))).toBeInstanceOf(SessionExpiredError);
    const portal = scripted([{ status: 303, location: '/files/abc' }, { status: 200, body: Buffer.from('%PDF-1.7') }]);
    expect((await sessionHttp(portal.get, profile, ctx, session).bytes('/jobs', { method: 'POST', form: { a: '1' } })).toString()).toBe('%PDF-1.7');
    expect(portal.asked.map((r) => `${r.method} ${r.url.pathname} ${r.body ?? ''}`)).toEqual(['POST /jobs a=1', 'GET /files/abc ']);
  });

  it('a body that is not JSON is a transient error that does not quote the body', async () => {
    const error = await reject(sessionHttp(scripted([{ status: 200, body: Buffer.from('oops secret'), contentType: 'text/plain' }]).get, profile, ctx, session).json('/api/x?token=t'));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toBe('not JSON on /api/x (text/plain)');
  });
});

describe('the direct document hook on the direct path', () => {
  const hooked: PortalProfile = {
    ...profile,
    document: {
      ...profile.document,
      directPath: undefined,
      fetch: 'direct',
      direct: async (http, vehicle) => {
        const { link } = await http.json<{ link: string }>(`/prepare/${encodeURIComponent(vehicle.ref)}`, { method: 'POST' });
        return http.bytes(link);
      },
    },
  };

  it('is a direct path for the fetch mode', () => {
    expect(resolveFetchMode(hooked, 'auto')).toBe('direct');
    expect(resolveFetchMode(hooked, 'browser')).toBe('browser');
  });

  it('runs the hook with the session and returns its body', async () => {
    const portal = scripted([{ status: 200, body: Buffer.from('{"link":"/once/1"}') }, { status: 200, body: Buffer.from('%PDF-1.7 body') }]);
    const body = await fetchDocumentDirect(portal.get, hooked, { ref: 'A B/1' }, { baseUrl: 'http://portal.test', stepTimeoutMs: 1000 }, session);
    expect(body.toString()).toBe('%PDF-1.7 body');
    expect(portal.asked.map((r) => r.url.pathname)).toEqual(['/prepare/A%20B%2F1', '/once/1']);
  });

  it('a hook that returns the sign-in page is an ended session', async () => {
    const portal = scripted([{ status: 200, body: Buffer.from('{"link":"/once/1"}') }, { status: 200, body: Buffer.from('<p id="signin-shell">') }]);
    const error = await reject(fetchDocumentDirect(portal.get, hooked, { ref: 'A' }, { baseUrl: 'http://portal.test', stepTimeoutMs: 1000 }, { ...session, version: 8 }));
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((error as SessionExpiredError).staleVersion).toBe(8);
  });
});

describe('hookContext', () => {
  const answer = (status: number, body: string, url = 'http://portal.test/api/x', headers: Record<string, string> = {}) =>
    ({ status: () => status, url: () => url, headers: () => headers, body: async () => Buffer.from(body) }) as never;

  it('checkApiResponse returns a usable body and maps the rest', async () => {
    expect((await ctx.checkApiResponse(answer(200, '{"a":1}'), 'feed')).toString()).toBe('{"a":1}');
    expect(await reject(ctx.checkApiResponse(answer(200, '<div id="signin-shell">'), 'feed'))).toBeInstanceOf(SessionExpiredError);
    expect(await reject(ctx.checkApiResponse(answer(200, 'x', 'http://portal.test/signin?reason=expired'), 'feed'))).toBeInstanceOf(SessionExpiredError);
    expect(await reject(ctx.checkApiResponse(answer(403, '{}'), 'feed'))).toBeInstanceOf(SessionExpiredError);
    const throttled = await reject(ctx.checkApiResponse(answer(503, '', undefined, { 'retry-after': '3' }), 'feed'));
    expect((throttled as ThrottledError).retryAfterMs).toBe(3000);
    expect(ctx.sessionEnded('by hand').staleVersion).toBe(5);
    expect(ctx.isLoginPage('<b id="signin-shell">')).toBe(true);
  });
});
