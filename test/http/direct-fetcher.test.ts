import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DocumentRejectedError,
  SessionExpiredError,
  ThrottledError,
  TransientError,
  VehicleFailedError,
} from '../../lib/core/errors.js';
import { fetchDocumentDirect } from '../../lib/core/portal/direct-document.js';
import type { PortalProfile, StepContext } from '../../lib/core/portal/profile.js';
import type { PortalSession, SessionCookie } from '../../lib/core/types.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { DirectFetcher } from '../../lib/http/direct-fetcher.js';
import { dealerValues } from '../../lib/profiles/index.js';
import { PortalClient } from '../../harness/portal-client.js';
import { sessionCookie } from '../helpers/factories.js';
import { createServer as createTcpServer } from 'node:net';
import { pdfLibPdf } from '../core/verify/pdf-fixtures.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

const SECRET = 'sess-9f2c1d7e5b';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const caught = (work: Promise<unknown>): Promise<unknown> => work.then(() => undefined, (e: unknown) => e);

/** dealer-values, with its direct URL pointed at `/{ref}` of the test server. */
const profile: PortalProfile = { ...dealerValues, document: { ...dealerValues.document, directPath: '/{ref}' } };

const jar = (host: string): SessionCookie[] => [
  { name: 'dv_session', value: SECRET, domain: host, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' },
  { name: 'files_only', value: 'f1', domain: host, path: '/files', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' },
  { name: 'tls_only', value: 't1', domain: host, path: '/', expires: -1, httpOnly: true, secure: true, sameSite: 'Lax' },
  { name: 'elsewhere', value: 'e1', domain: 'other.example', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' },
];

describe('direct path over HTTP (undici) against a tiny node:http portal', () => {
  let server: Server;
  let base: string;
  let pdf: Buffer;
  let http: DirectFetcher;
  let ctx: StepContext;
  const seenCookies = new Map<string, string | undefined>();

  const routes: Record<string, (res: ServerResponse, req: IncomingMessage) => void> = {
    'R1': (res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf),
    'files/R1.pdf': (res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf),
    'hop': (res) => res.writeHead(302, { location: '/files/R1.pdf' }).end(),
    'loop': (res) => res.writeHead(302, { location: '/loop' }).end(),
    'e500': (res) => res.writeHead(500, { 'content-type': 'text/html' }).end('<html><title>Internal Server Error</title></html>'),
    'e502': (res) => res.writeHead(502).end(),
    'e429': (res) => res.writeHead(429, { 'retry-after': '3' }).end('slow down'),
    'e429date': (res) => res.writeHead(429, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }).end(),
    'e404': (res) => res.writeHead(404).end('no such vehicle'),
    'e403': (res) => res.writeHead(403).end('forbidden'),
    'to-login': (res) => res.writeHead(302, { location: '/login?reason=expired' }).end(),
    'to-license': (res) => res.writeHead(303, { location: 'http://127.0.0.1/license' }).end(),
    'login-body': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><form id="login-form"></form></html>'),
    'html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><title>Maintenance</title></html>'),
    'json': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":"no report yet"}'),
    'short': (res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4\n'),
    'hang': () => undefined,
    'trickle': (res) => {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(pdf.length) });
      res.write(pdf.subarray(0, 20));
    },
  };

  beforeAll(async () => {
    pdf = await pdfLibPdf(['Reference: R1']);
    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
      seenCookies.set(path, req.headers.cookie);
      (routes[path] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res, req);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ctx = { baseUrl: base, stepTimeoutMs: 1500 };
    http = new DirectFetcher({ connections: 4, stepTimeoutMs: ctx.stepTimeoutMs, maxBodyBytes: 1024 * 1024 });
  });
  afterAll(async () => {
    await http?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const session: PortalSession = { version: 7, createdAt: 0, cookies: jar('127.0.0.1') };
  const fetchRef = (ref: string, s: PortalSession = session, c: StepContext = ctx) =>
    fetchDocumentDirect(http.get, profile, { ref }, c, s);
  const failure = (ref: string, c?: StepContext) => caught(fetchRef(ref, session, c));

  it('returns the PDF, sending only the cookies that match the URL', async () => {
    const body = await fetchRef('R1');
    expect(body.equals(pdf)).toBe(true);
    expect((await verifier.verify(body, { ref: 'R1' })).matched).toEqual(['ref']);
    expect(seenCookies.get('R1')).toBe(`dv_session=${SECRET}`);
  });

  it('follows a redirect to another path, with that path\'s cookies', async () => {
    const body = await fetchRef('hop');
    expect(body.equals(pdf)).toBe(true);
    expect(seenCookies.get('files/R1.pdf')).toBe(`files_only=f1; dv_session=${SECRET}`);
  });

  it('5xx is a TransientError named after the status', async () => {
    for (const [ref, reason] of [['e500', 'http_500'], ['e502', 'http_502']] as const) {
      const error = await failure(ref);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).reason).toBe(reason);
    }
  });

  it('429 is a ThrottledError with the Retry-After hint, in seconds or as a date', async () => {
    const seconds = await failure('e429');
    expect(seconds).toBeInstanceOf(ThrottledError);
    expect((seconds as ThrottledError).retryAfterMs).toBe(3000);
    const date = (await failure('e429date')) as ThrottledError;
    expect(date).toBeInstanceOf(ThrottledError);
    expect(date.retryAfterMs).toBeGreaterThan(50_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('404 fails the vehicle (not_found); another 4xx is transient, as on the browser path', async () => {
    const missing = await failure('e404');
    expect(missing).toBeInstanceOf(VehicleFailedError);
    expect((missing as VehicleFailedError).reason).toBe('not_found');
    const forbidden = await failure('e403');
    expect(forbidden).toBeInstanceOf(TransientError);
    expect((forbidden as TransientError).reason).toBe('http_403');
  });

  it('a redirect to the login or license page, or the login page as the body, is an ended session carrying its version', async () => {
    for (const ref of ['to-login', 'to-license', 'login-body']) {
      const error = await failure(ref);
      expect(error, ref).toBeInstanceOf(SessionExpiredError);
      expect((error as SessionExpiredError).staleVersion).toBe(7);
    }
  });

  it('an HTML page, JSON or a short body is returned, and verification rejects it', async () => {
    const reasons = [];
    for (const ref of ['html', 'json', 'short']) {
      const body = await fetchRef(ref);
      const error = await verifier.verify(body, { ref: 'R1' }).catch((e: unknown) => e);
      expect(error, ref).toBeInstanceOf(DocumentRejectedError);
      reasons.push((error as DocumentRejectedError).reason);
    }
    expect(reasons).toEqual(['not_pdf', 'not_pdf', 'corrupt_pdf']);
  });

  it('a redirect loop ends as a TransientError', async () => {
    const error = await failure('loop');
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).reason).toBe('redirect_loop');
  });

  it('a request the portal never answers, or whose body stalls, times out as a TransientError within the step budget', async () => {
    const short = { ...ctx, stepTimeoutMs: 400 };
    for (const ref of ['hang', 'trickle']) {
      const error = await failure(ref, short);
      expect(error, ref).toBeInstanceOf(TransientError);
      expect((error as TransientError).reason).toBe('timeout');
      // The step budget timed it out (without one it would hang until the test's own timeout).
      expect((error as Error).message).toContain('within 400 ms');
      expect((error as Error).message).not.toContain(SECRET);
    }
  });

  it('a portal that cannot be reached is a TransientError (unreachable), without the cookie in the message', async () => {
    const closed = { ...ctx, baseUrl: `http://127.0.0.1:${await closedPort()}` };
    const error = await failure('R1', closed);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).reason).toBe('unreachable');
    expect((error as Error).message).not.toContain(SECRET);
  });
});

describe('direct path against the demo portal (HTTP login, session cookies)', () => {
  let portal: DemoPortal;
  let http: DirectFetcher;
  let ctx: StepContext;

  /** A logged-in session as the browser would hand it over (Playwright-shaped cookies). */
  async function demoSession(version: number): Promise<PortalSession> {
    const client = await new PortalClient(portal.url).session();
    const cookies: SessionCookie[] = [...client.cookies].map(([name, value]) => sessionCookie(name, value));
    return { version, createdAt: Date.now(), cookies };
  }

  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 20 });
    ctx = { baseUrl: portal.url, stepTimeoutMs: 3000 };
    http = new DirectFetcher({ connections: 4, stepTimeoutMs: ctx.stepTimeoutMs });
  });
  afterAll(async () => {
    await http?.close();
    await portal?.close();
  });

  it('serves /vehicles/{ref}/report.pdf to the session cookies: the vehicle\'s own verified PDF', async () => {
    const session = await demoSession(1);
    for (const vehicle of portal.inventory.slice(0, 5)) {
      const body = await fetchDocumentDirect(http.get, dealerValues, vehicle, ctx, session);
      expect((await verifier.verify(body, vehicle)).matched).toEqual(expect.arrayContaining(['ref', 'vin']));
    }
  });

  it('without cookies, after a kick and on an expired session: SessionExpiredError with the stale version', async () => {
    const vehicle = portal.inventory[0]!;
    const anonymous: PortalSession = { version: 3, createdAt: 0, cookies: [] };
    const error = await caught(fetchDocumentDirect(http.get, dealerValues, vehicle, ctx, anonymous));
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((error as SessionExpiredError).staleVersion).toBe(3);
    const kicked = await demoSession(4);
    portal.kickSessions();
    await expect(fetchDocumentDirect(http.get, dealerValues, vehicle, ctx, kicked)).rejects.toBeInstanceOf(SessionExpiredError);
    portal.setFaults('expire=1');
    try {
      const expiring = await demoSession(5);
      // The license acceptance used the session's one request: the PDF request is past it.
      await expect(fetchDocumentDirect(http.get, dealerValues, vehicle, ctx, expiring)).rejects.toMatchObject({ staleVersion: 5 });
    } finally {
      portal.setFaults('');
    }
  });

  it('maps the portal\'s injected 5xx and 429, and its 404 for an unknown ref', async () => {
    const session = await demoSession(1);
    const vehicle = portal.inventory[1]!;
    portal.setFaults('5xx=1');
    try {
      const error = await caught(fetchDocumentDirect(http.get, dealerValues, vehicle, ctx, session));
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).reason).toMatch(/^http_50[023]$/);
    } finally {
      portal.setFaults('');
    }
    const unknown = await caught(fetchDocumentDirect(http.get, dealerValues, { ref: '00000000' }, ctx, session));
    expect(unknown).toBeInstanceOf(VehicleFailedError);
    expect((unknown as VehicleFailedError).reason).toBe('not_found');
    portal.setFaults('down=5');
    try {
      await expect(fetchDocumentDirect(http.get, dealerValues, vehicle, ctx, session)).rejects.toMatchObject({ reason: 'http_503' });
    } finally {
      portal.setFaults('');
    }
  });
});
