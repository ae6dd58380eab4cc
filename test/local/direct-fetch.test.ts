import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { PortalProfile } from '../../lib/core/portal/profile.js';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { dealerValues } from '../../lib/profiles/index.js';
import { expectAllStoredAndVerified, runAgainst } from '../helpers/local-run.js';
import { tempDir } from '../helpers/fixtures.js';

const withDocument = (document: Partial<PortalProfile['document']>): PortalProfile => ({
  ...dealerValues,
  document: { pagePath: dealerValues.document.pagePath, downloadSelector: dealerValues.document.downloadSelector, ...document },
});

describe('local run on the direct path (undici + session cookies) against the demo portal', () => {
  let portal: DemoPortal | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await portal?.close();
    dir?.cleanup();
    portal = undefined;
    dir = undefined;
  });

  it('downloads every PDF through 5xx, session expiry and mixed-up PDFs, verified, without a single worker page', async () => {
    portal = await startDemoPortal({ vehicles: 40, faults: '5xx=0.1,expire=15,interfere=0.2' });
    dir = tempDir();
    // 5xx and interfere fail about 3 attempts in 10: with 10 attempts a lost vehicle is a 1 in 4000 run.
    const { report, folder, workerPagesOpened } = await runAgainst(portal, dir.path, { fetchMode: 'direct', maxAttempts: 10 });
    expect(report.status).toBe('completed');
    expect(report).toMatchObject({ succeeded: 40, failed: 0, direct_downloads: 40, browser_downloads: 0, direct_fallbacks: 0 });
    expect(workerPagesOpened).toBe(0);
    await expectAllStoredAndVerified(portal, folder);
    expect(readdirSync(folder).filter((f) => f.endsWith('.pdf'))).toHaveLength(40);
    const stats = portal.stats();
    // The faults bit, on this path too.
    expect(stats.faultsInjected['5xx']).toBeGreaterThan(0);
    expect(stats.sessionsEnded.expired).toBeGreaterThan(0);
    expect(stats.wrongPdfServed).toBeGreaterThan(0);
    // Every wrong PDF the portal sent was caught, and none was stored (expectAllStoredAndVerified).
    expect(report.wrong_documents_rejected).toBe(stats.wrongPdfServed);
    // Single-flight refresh on the direct path too: one login per expired session, none replaced.
    expect(report.session_refreshes).toBeGreaterThan(0);
    expect(stats.logins).toBe(1 + report.session_refreshes);
    expect(stats.sessionsEnded.replaced).toBe(0);
  }, 120_000);

  it('reads 429s as throttling (Retry-After), lowers its concurrency and still finishes everything', async () => {
    portal = await startDemoPortal({ vehicles: 20, pdfLatencyMs: 30, faults: 'ratelimit=2' });
    dir = tempDir();
    const { report } = await runAgainst(portal, dir.path, { fetchMode: 'direct', workers: 8 });
    expect(report).toMatchObject({ succeeded: 20, failed: 0, direct_downloads: 20 });
    expect(portal.stats().faultsInjected.ratelimit).toBeGreaterThan(0);
    expect(report.concurrency_lowest).toBeLessThan(8);
    // Throttles are free retries: nothing was failed for them.
    expect(report.failures).toEqual([]);
  }, 120_000);

  it('auto is the direct path for a profile with a direct URL', async () => {
    portal = await startDemoPortal({ vehicles: 20 });
    dir = tempDir();
    const { report, workerPagesOpened } = await runAgainst(portal, dir.path, { workers: 4 });
    expect(report).toMatchObject({ succeeded: 20, direct_downloads: 20, browser_downloads: 0, direct_fallbacks: 0 });
    expect(workerPagesOpened).toBe(0);
  }, 120_000);

  it.each<[string, PortalProfile, 'auto' | 'browser']>([
    ['a profile without a direct URL (auto)', withDocument({}), 'auto'],
    ['a browser-only profile (document.fetch browser)', withDocument({ directPath: '/vehicles/{ref}/report.pdf', fetch: 'browser' }), 'auto'],
    ['the run option fetchMode browser', dealerValues, 'browser'],
  ])('%s uses worker pages for every vehicle', async (_what, profile, fetchMode) => {
    portal = await startDemoPortal({ vehicles: 20 });
    dir = tempDir();
    const before = portal.stats().pdfRequests;
    const { report, folder, workerPagesOpened } = await runAgainst(portal, dir.path, { profile, fetchMode, workers: 4 });
    expect(report).toMatchObject({ succeeded: 20, failed: 0, direct_downloads: 0, browser_downloads: 20, direct_fallbacks: 0 });
    expect(workerPagesOpened).toBeGreaterThan(0);
    expect(portal.stats().pdfRequests - before).toBe(20);
    await expectAllStoredAndVerified(portal, folder);
  }, 120_000);

  it('auto falls back to the vehicle page when the direct URL answers with something else than a PDF', async () => {
    portal = await startDemoPortal({ vehicles: 24 });
    dir = tempDir();
    // The "direct URL" is the vehicle's HTML page: a 200 that is not a PDF (nor the login page).
    const profile = withDocument({ directPath: '/vehicles/{ref}' });
    const lines: string[] = [];
    const workers = 4;
    const { report, folder, workerPagesOpened } = await runAgainst(portal, dir.path, {
      profile,
      workers,
      log: (line) => lines.push(line),
    });
    expect(report).toMatchObject({ succeeded: 24, failed: 0, direct_downloads: 0, browser_downloads: 24 });
    // Each fallback is one vehicle; after 10 without any PDF the run stops trying the URL
    // (the workers already asking then still fall back: one fetch per lane at a time).
    expect(report.direct_fallbacks).toBeGreaterThanOrEqual(10);
    expect(report.direct_fallbacks).toBeLessThanOrEqual(10 + workers);
    expect(report.wrong_documents_rejected).toBe(0);
    expect(workerPagesOpened).toBeGreaterThan(0);
    expect(lines.some((l) => /direct download of \S+ unusable \(got an HTML page/.test(l))).toBe(true);
    expect(lines.some((l) => /gave no PDF in \d+ tries: using vehicle pages/.test(l))).toBe(true);
    await expectAllStoredAndVerified(portal, folder);
  }, 120_000);
});
