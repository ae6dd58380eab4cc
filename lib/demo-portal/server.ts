import { AWKWARD_DEMO_REFS, withRefs } from './inventory.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../core/errors.js';
import { DEFAULT_HOST, DEFAULT_SEED, DEFAULT_VEHICLES, DEMO_CREDENTIALS, MAX_CACHED_PDFS } from './constants.js';
import type { PortalContext } from './context.js';
import { startOtherOrigin } from './delivery.js';
import { Faults, normalizeFaults } from './faults.js';
import { errorPage } from './html.js';
import { sendHtml, sleep } from './http.js';
import { PdfCache } from './pdf.js';
import { handleAdmin } from './routes/admin.js';
import type { RouteTable } from './routing.js';
import { SessionRegistry } from './sessions.js';
import { getDemoSite } from './sites/index.js';
import { Stats } from './stats.js';
import type { DemoPortal, DemoPortalOptions } from './types.js';

function serverErrors(service: string): ReadonlyArray<[number, string, string]> {
  return [
    [500, 'Internal Server Error', 'Something went wrong on our side. Please try again later.'],
    [502, 'Bad Gateway', `The ${service} did not answer in time.`],
    [503, 'Service Unavailable', `The ${service} is temporarily unavailable.`],
  ];
}

/**
 * One request through the portal: down window, rate limit, latency, injected 5xx / hang,
 * then the route (which does its own session and license checks).
 */
async function handle(ctx: PortalContext, routes: RouteTable, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://demo-portal.invalid');
  const match = routes(req.method ?? 'GET', url.pathname);
  const { branding } = ctx;
  if (match?.route.kind === 'pdf') ctx.stats.c.pdfRequests += 1;

  const down = ctx.faults.downFor();
  if (down > 0) {
    ctx.stats.c.faultsInjected.down += 1;
    sendHtml(res, 503, errorPage(503, 'Service Unavailable', `${branding.brand} is down for scheduled maintenance.`, branding), {
      'Retry-After': String(Math.ceil(down)),
    });
    return;
  }
  const limit = ctx.faults.spec.ratelimit;
  if (limit && ctx.stats.inFlight > limit) {
    ctx.stats.c.faultsInjected.ratelimit += 1;
    sendHtml(res, 429, errorPage(429, 'Too Many Requests', 'Too many requests at once. Please slow down.', branding), { 'Retry-After': '1' });
    return;
  }
  const wait = ctx.faults.spec.wait;
  if (wait && match?.route.kind === 'pdf') {
    ctx.stats.c.faultsInjected.wait += 1;
    sendHtml(res, 429, errorPage(429, 'Too Many Requests', 'Daily download quota reached. Try again later.', branding), {
      'Retry-After': String(Math.ceil(wait)),
    });
    return;
  }
  if (!match) {
    sendHtml(res, 404, errorPage(404, 'Not Found', `Nothing at ${url.pathname}.`, branding));
    return;
  }
  const { route, param } = match;
  const latency = route.kind === 'pdf' ? ctx.pdfLatencyMs : route.kind === 'page' ? ctx.pageLatencyMs : 0;
  await sleep(latency, ctx.closing);
  if (ctx.closing.aborted) return;

  if (route.protectedRoute) {
    if (ctx.faults.roll(ctx.faults.spec['5xx'])) {
      ctx.stats.c.faultsInjected['5xx'] += 1;
      const [status, title, message] = ctx.faults.pick(serverErrors(branding.service));
      sendHtml(res, status, errorPage(status, title, message, branding));
      return;
    }
    if (ctx.faults.roll(ctx.faults.spec.hang)) {
      // Never answer: the socket stays open until the client gives up or close() destroys it.
      ctx.stats.c.faultsInjected.hang += 1;
      return;
    }
  }
  await route.handler(ctx, req, res, url, param);
}

function listenUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

function checkNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`demo portal: ${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

export async function startDemoPortal(options: DemoPortalOptions = {}): Promise<DemoPortal> {
  const vehicles = checkNumber('vehicles', options.vehicles ?? DEFAULT_VEHICLES, 1, 1_000_000);
  const seed = checkNumber('seed', options.seed ?? DEFAULT_SEED, 0, 2 ** 32 - 1);
  const pageLatencyMs = checkNumber('pageLatencyMs', options.pageLatencyMs ?? 0, 0, 600_000);
  const pdfLatencyMs = checkNumber('pdfLatencyMs', options.pdfLatencyMs ?? 0, 0, 600_000);
  const port = checkNumber('port', options.port ?? 0, 0, 65_535);
  const host = options.host ?? DEFAULT_HOST;
  const faultSpec = normalizeFaults(options.faults);
  const site = getDemoSite(options.site ?? 'dealer-values');

  const awkward = options.awkwardRefs === true ? AWKWARD_DEMO_REFS : options.awkwardRefs || [];
  const inventory = withRefs(site.inventory(vehicles, seed), awkward);
  const stats = new Stats();
  const sessions = new SessionRegistry((reason) => (stats.c.sessionsEnded[reason] += 1));
  const closing = new AbortController();
  const delivery = options.pdfDelivery ?? {};
  const pdfs = new PdfCache(MAX_CACHED_PDFS, site.renderPdf);
  const byRef = new Map(inventory.map((v) => [v.ref, v]));
  const other = delivery.otherOrigin
    ? await startOtherOrigin(host, async (ref) => {
        const vehicle = byRef.get(ref);
        if (!vehicle) return undefined;
        stats.pdfServed(ref, ref);
        return pdfs.get(vehicle);
      }, delivery)
    : undefined;
  const ctx: PortalContext = {
    branding: site.branding,
    loginPath: site.loginPath,
    credentials: { ...(options.credentials ?? DEMO_CREDENTIALS) },
    stickyFilter: options.stickyFilter ?? true,
    extraCsvRows: options.extraCsvRows ?? [],
    pageLatencyMs,
    pdfLatencyMs,
    inventory,
    byRef,
    sessions,
    stats,
    faults: new Faults(faultSpec, seed),
    pdfs,
    filters: new Map(),
    delivery: { ...delivery, ...(other ? { otherOriginUrl: other.url } : {}) },
    closing: closing.signal,
  };
  const routes = site.routes(ctx);
  const admin = {
    stats: () => stats.snapshot(sessions.activeCount),
    resetStats: () => stats.reset(),
    kick: () => sessions.endAll('kicked'),
    setFaults: (spec: Parameters<typeof ctx.faults.set>[0]) => ctx.faults.set(spec),
    faults: () => ctx.faults.spec,
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/__admin/')) {
      handleAdmin(admin, req, res, path).catch((error: unknown) => fail(res, error));
      return;
    }
    stats.enter();
    // 'close' fires when the response is done or the client went away: a hung request leaves here.
    res.once('close', () => stats.leave());
    handle(ctx, routes, req, res).catch((error: unknown) => fail(res, error));
  });
  // Keep-alive: browsers and fetch reuse connections, as against a real portal.
  server.keepAliveTimeout = 15_000;
  server.headersTimeout = 20_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    url: listenUrl(host, actualPort),
    site: site.name,
    port: actualPort,
    inventory,
    stats: admin.stats,
    resetStats: admin.resetStats,
    kickSessions: () => void admin.kick(),
    setFaults: (spec) => ctx.faults.set(normalizeFaults(spec)),
    ...(other ? { otherOrigin: { url: other.url, cookies: other.cookies } } : {}),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        // Hung requests and idle keep-alive sockets would hold close() forever.
        server.closeAllConnections();
      }).then(() => other?.close());
      return closed;
    },
  };
}

function fail(res: ServerResponse, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const status = /too large/.test(message) ? 413 : 500;
  sendHtml(res, status, errorPage(status, status === 413 ? 'Payload Too Large' : 'Internal Server Error', message));
}
