import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CriticalError, LoginRejectedError, SessionExpiredError } from '../../lib/core/errors.js';
import { fetchDocumentDirect } from '../../lib/core/portal/direct-document.js';
import { hookContext } from '../../lib/core/portal/hook-context.js';
import { downloadByClick, exportInventory, loginInBrowser } from '../../lib/core/portal/steps.js';
import type { PortalSession, SessionCookie } from '../../lib/core/types.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { DirectFetcher } from '../../lib/http/direct-fetcher.js';
import { conditionReports, getProfile } from '../../lib/profiles/index.js';
import { listTexts, scrollToEnd } from '../../lib/profiles/hooks/index.js';
import { portalAndBrowser, tempDir } from '../helpers/fixtures.js';
import { runAgainst } from '../helpers/local-run.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

const session = (cookies: SessionCookie[], version = 1): PortalSession => ({ version, cookies, createdAt: Date.now() });

describe('condition-reports profile against the demo site (real Chromium)', () => {
  let env: Awaited<ReturnType<typeof portalAndBrowser>>;
  let http: DirectFetcher;
  beforeAll(async () => {
    env = await portalAndBrowser({ site: 'condition-reports', vehicles: 60 });
    http = new DirectFetcher({ connections: 2, stepTimeoutMs: 5000 });
  });
  afterAll(async () => {
    await http?.close();
    await env?.close();
  });

  it('is registered under its name', () => {
    expect(getProfile('condition-reports')).toBe(conditionReports);
  });

  it('signs in inside the iframe with a TOTP code and accepts the checkbox terms: one login', async () => {
    const before = env.portal.stats();
    const cookies = await loginInBrowser(env.browser, conditionReports, DEMO_CREDENTIALS, env.ctx);
    expect(cookies.map((c) => c.name)).toContain('dv_session');
    const after = env.portal.stats();
    expect(after.logins - before.logins).toBe(1);
    expect(after.licenseAccepts - before.licenseAccepts).toBe(1);
  });

  it('a wrong password, shown inside the frame, stops at once (LoginRejectedError)', async () => {
    const before = env.portal.stats();
    await expect(loginInBrowser(env.browser, conditionReports, { ...DEMO_CREDENTIALS, password: 'wrong' }, env.ctx)).rejects.toBeInstanceOf(
      LoginRejectedError,
    );
    expect(env.portal.stats().failedLogins - before.failedLogins).toBe(1);
    expect(env.portal.stats().logins).toBe(before.logins);
  });

  it('a code from another secret is rejected in the frame: LoginRejectedError', async () => {
    const other = { ...DEMO_CREDENTIALS, totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' };
    await expect(loginInBrowser(env.browser, conditionReports, other, env.ctx)).rejects.toBeInstanceOf(LoginRejectedError);
  });

  it('the portal asks for a code and no secret is configured: one clear line', async () => {
    const error = await loginInBrowser(env.browser, conditionReports, { username: 'demo', password: 'demo-pass' }, env.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CriticalError);
    expect((error as CriticalError).reason).toBe('totp_missing');
    expect((error as Error).message).toMatch(/^the portal asks for a one-time code \(TOTP\) but no TOTP secret is configured: set PORTAL_TOTP_SECRET/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('reads the whole cursor-paged feed as CSV (awkward stock numbers kept as they are)', async () => {
    const cookies = await loginInBrowser(env.browser, conditionReports, DEMO_CREDENTIALS, env.ctx);
    const context = await env.browser.newContext();
    await context.addCookies(cookies);
    try {
      const page = await context.newPage();
      const csv = (await exportInventory(page, conditionReports, env.ctx, 1)) as string;
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toBe('Stock,VIN,Year,Make,Model');
      expect(lines).toHaveLength(61);
      for (const v of env.portal.inventory) expect(csv).toContain(`${v.ref.includes(' ') ? `"${v.ref}"` : v.ref},${v.vin},`);

      // The list in front of the feed: scrolled to its end, it shows every vehicle in order.
      await page.goto(`${env.portal.url}/reports`);
      expect(await scrollToEnd(page, env.ctx, { item: '#vehicle-list li.vehicle', end: '#list-end' })).toBe(60);
      expect(await listTexts(page, '#vehicle-list li.vehicle', 'data-stock')).toEqual(env.portal.inventory.map((v) => v.ref));
    } finally {
      await context.close();
    }
  });

  it('prepares, polls and downloads each report once over HTTP (no page), verified', async () => {
    const cookies = await loginInBrowser(env.browser, conditionReports, DEMO_CREDENTIALS, env.ctx);
    const before = env.portal.stats().pdfRequests;
    // A slash, leading/trailing spaces, lowercase, a non-ASCII letter: the portal serves them all.
    for (const index of [0, 7, 19, 31, 43]) {
      const vehicle = { ref: env.portal.inventory[index]!.ref, vin: env.portal.inventory[index]!.vin };
      const body = await fetchDocumentDirect(http.get, conditionReports, vehicle, env.ctx, session(cookies));
      expect((await verifier.verify(body, vehicle)).matched, JSON.stringify(vehicle.ref)).toEqual(['ref', 'vin']);
    }
    expect(env.portal.stats().pdfRequests - before).toBe(5);
  });

  it('reads the API\'s 200 + sign-in page as an ended session, with the version it ran with', async () => {
    const cookies = await loginInBrowser(env.browser, conditionReports, DEMO_CREDENTIALS, env.ctx);
    env.portal.kickSessions();
    const vehicle = { ref: env.portal.inventory[0]!.ref };
    const error = await fetchDocumentDirect(http.get, conditionReports, vehicle, env.ctx, session(cookies, 9)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((error as SessionExpiredError).staleVersion).toBe(9);
    expect((error as Error).message).toContain('got the login page on report job of');
  });

  it('the default download step reads an API or page answer that is the sign-in page as an ended session, not a download to wait for', async () => {
    const context = await env.browser.newContext({ acceptDownloads: true });
    try {
      const page = await context.newPage();
      // A stand-in vehicle page on the portal's origin whose controls call the real portal without a session.
      await page.route(`${env.portal.url}/stand-in`, (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<button id="api" onclick="fetch('/api/vehicles').then((r) => r.json())">Download</button><a id="nav" href="/reports">Download</a>`,
        }),
      );
      await page.goto(`${env.portal.url}/stand-in`);
      // A step budget far beyond the test's: only the race against the sign-in page ends these in time.
      const ctx = { ...env.ctx, stepTimeoutMs: 120_000 };
      const watch = { profile: conditionReports, sessionVersion: 3 };
      const api = await downloadByClick(page, '#api', ctx, 'dom', watch).catch((e: unknown) => e);
      expect(api).toBeInstanceOf(SessionExpiredError);
      expect((api as SessionExpiredError).staleVersion).toBe(3);
      expect((api as Error).message).toContain('got the login page on download');
      await page.goto(`${env.portal.url}/stand-in`);
      const nav = await downloadByClick(page, '#nav', ctx, 'dom', watch).catch((e: unknown) => e);
      expect(nav).toBeInstanceOf(SessionExpiredError);
      expect((nav as Error).message).toContain('sent to the login page on download');
    } finally {
      await context.close();
    }
  }, 30_000);

  it('checkApiResponse maps a page.request answer that is the sign-in page to an ended session', async () => {
    const context = await env.browser.newContext();
    try {
      const page = await context.newPage();
      const answer = await page.request.get(`${env.portal.url}/api/vehicles`);
      expect(answer.status()).toBe(200);
      const ctx = hookContext(env.ctx, conditionReports, 4);
      const error = await ctx.checkApiResponse(answer, 'feed').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SessionExpiredError);
      expect((error as SessionExpiredError).staleVersion).toBe(4);
    } finally {
      await context.close();
    }
  });
});

/** Authenticated requests one login costs on the site: the terms page, the acceptance, the home page it leads to. */
const LOGIN_REQUESTS = 3;
/** Per report: the job, two status polls (preparing, ready), the one-time download. */
const REQUESTS_PER_VEHICLE = 4;
/** The inventory: the home page the core opens first, then two feed pages of 100. */
const INVENTORY_REQUESTS = 3;

describe('condition-reports end to end (local pipeline, real Chromium for the sign-in only)', () => {
  let portal: DemoPortal | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await portal?.close();
    dir?.cleanup();
  });

  // Every vehicle DONE includes the slash, space and non-ASCII refs (the refs branch's file names, issue 13 item 3).
  it('200 vehicles, 8 workers, sessions that die after every 25 requests: every vehicle DONE, logins near the minimum', async () => {
    const expire = 25;
    portal = await startDemoPortal({ site: 'condition-reports', vehicles: 200, faults: { expire } });
    dir = tempDir();
    const { report, folder } = await runAgainst(portal, dir.path, { profile: conditionReports, workers: 8 });
    expect(report).toMatchObject({ status: 'completed', total_inventory: 200, succeeded: 200, failed: 0, skipped: 0 });

    const stats = portal.stats();
    expect(stats.logins).toBe(1 + report.session_refreshes);
    expect(stats.sessionsEnded.replaced).toBe(0);
    // The fewest logins the session length allows: each session has expire - LOGIN_REQUESTS requests to give.
    const minimum = Math.ceil((200 * REQUESTS_PER_VEHICLE + INVENTORY_REQUESTS) / (expire - LOGIN_REQUESTS));
    expect(stats.logins).toBeGreaterThanOrEqual(minimum);
    // Work lost when a session dies (jobs in flight start again) may cost a third more, no more.
    expect(stats.logins).toBeLessThanOrEqual(Math.ceil(minimum * 1.34));
    expect(report.wrong_documents_rejected).toBe(0);
    // No worker page: every report came over HTTP.
    expect(stats.pdfRequests).toBeGreaterThanOrEqual(200);
    expect(existsSync(join(folder, 'inventory.csv'))).toBe(true);
    expect(readFileSync(join(folder, 'manifest.csv'), 'utf8').match(/,DONE,/g)).toHaveLength(200);
  }, 300_000);
});
