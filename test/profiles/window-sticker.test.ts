import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoginRejectedError, SessionExpiredError } from '../../lib/core/errors.js';
import { parseInventoryCsv } from '../../lib/core/portal/inventory-csv.js';
import { exportInventory, fetchDocumentInPage, loginInBrowser } from '../../lib/core/portal/steps.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { DEMO_CREDENTIALS, isValidVin, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { getProfile, windowSticker } from '../../lib/profiles/index.js';
import { stickerVinProblem } from '../../lib/profiles/window-sticker.js';
import { portalAndBrowser, tempDir } from '../helpers/fixtures.js';
import { runAgainst } from '../helpers/local-run.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

describe('window-sticker profile: VIN check', () => {
  it('is registered under its name', () => {
    expect(getProfile('window-sticker')).toBe(windowSticker);
  });

  it('skips a VIN whose check digit is wrong, or a vehicle without a VIN, with the reason', () => {
    expect(stickerVinProblem({ ref: '1', vin: '1M8GDM9AXKP042788' })).toBeUndefined();
    expect(stickerVinProblem({ ref: '1', vin: '1M8GDM9A1KP042788' })).toBe(
      'wrong VIN check digit: VIN 1M8GDM9A1KP042788 has 1 at position 9 where its other characters call for X; no window sticker can be made for it',
    );
    expect(stickerVinProblem({ ref: '1' })).toBe('no VIN: a window sticker is made from the VIN');
  });
});

describe('window-sticker profile steps against the demo site (real Chromium)', () => {
  let env: Awaited<ReturnType<typeof portalAndBrowser>>;
  beforeAll(async () => {
    env = await portalAndBrowser({ site: 'window-sticker', vehicles: 30 });
  });
  afterAll(async () => env?.close());

  async function loggedInPage() {
    const cookies = await loginInBrowser(env.browser, windowSticker, DEMO_CREDENTIALS, env.ctx);
    const context = await env.browser.newContext({ acceptDownloads: true });
    await context.addCookies(cookies);
    return { page: await context.newPage(), context };
  }

  it('signs in over both steps; a wrong password stops at once, after one attempt', async () => {
    const before = env.portal.stats();
    const cookies = await loginInBrowser(env.browser, windowSticker, DEMO_CREDENTIALS, env.ctx);
    expect(cookies.map((c) => c.name)).toContain('dv_session');
    expect(env.portal.stats().logins - before.logins).toBe(1);

    await expect(
      loginInBrowser(env.browser, windowSticker, { username: 'demo', password: 'wrong' }, env.ctx),
    ).rejects.toBeInstanceOf(LoginRejectedError);
    const after = env.portal.stats();
    expect(after.failedLogins - before.failedLogins).toBe(1);
    expect(after.logins - before.logins).toBe(1);
  });

  it('reads every grid page with the sticky filter reset; the core skips the broken VINs', async () => {
    const { page, context } = await loggedInPage();
    try {
      const exported = await exportInventory(page, windowSticker, env.ctx, 1);
      expect(typeof exported).toBe('string');
      const csv = exported as string;
      expect(csv.split('\r\n')[0]).toBe('Vehicle ID,Stock #,VIN,Year,Make,Model,Trim,Status');
      const { vehicles, rejected } = parseInventoryCsv(csv, windowSticker.inventory.columns, {
        validate: windowSticker.inventory.validate,
      });
      const inventory = env.portal.inventory;
      // 30 rows over two pages, the ones the sticky filter hid included.
      expect(vehicles.length + rejected.length).toBe(30);
      expect(inventory.some((v) => v.status !== 'In Stock')).toBe(true);
      expect(vehicles.map((v) => v.ref)).toEqual(inventory.filter((v) => isValidVin(v.vin)).map((v) => v.ref));
      expect(rejected.map((r) => r.ref)).toEqual([7, 17, 27].map((i) => inventory[i]!.ref));
      for (const r of rejected) expect(r.reason).toMatch(/^wrong VIN check digit: VIN [A-Z0-9]{17} has /);
      expect(vehicles[0]).toMatchObject({ ref: inventory[0]!.ref, vin: inventory[0]!.vin });
    } finally {
      await context.close();
    }
  });

  it('takes the window sticker from the tab its control opens, and closes that tab', async () => {
    const { page, context } = await loggedInPage();
    try {
      for (const vehicle of env.portal.inventory.slice(0, 3)) {
        const body = await fetchDocumentInPage(page, windowSticker, vehicle, env.ctx, 1);
        expect((await verifier.verify(body, vehicle)).matched).toEqual(['ref', 'vin']);
      }
      expect(context.pages()).toEqual([page]);
    } finally {
      await context.close();
    }
  });

  it('reports a session that ends between the vehicle page and its tab as SessionExpiredError', async () => {
    const { page, context } = await loggedInPage();
    try {
      // The sign-in's landing page was request 1, the vehicle page is 2: the tab's first request ends it.
      env.portal.setFaults({ expire: 2 });
      const error = await fetchDocumentInPage(page, windowSticker, env.portal.inventory[0]!, env.ctx, 7).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SessionExpiredError);
      expect((error as SessionExpiredError).staleVersion).toBe(7);
      expect((error as Error).message).toContain('got the login page');
    } finally {
      env.portal.setFaults({});
      await context.close();
    }
  });
});

describe('window-sticker profile end to end (local pipeline, real Chromium)', () => {
  let portal: DemoPortal | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await portal?.close();
    dir?.cleanup();
  });

  it('downloads every valid vehicle\'s sticker, verified, and skips the broken VINs with the reason', async () => {
    portal = await startDemoPortal({ site: 'window-sticker', vehicles: 30 });
    dir = tempDir();
    const { report, folder } = await runAgainst(portal, dir.path, { profile: windowSticker });
    expect(report).toMatchObject({ status: 'completed', profile: 'window-sticker', total_inventory: 30, succeeded: 27, failed: 0, skipped: 3 });

    const valid = portal.inventory.filter((v) => isValidVin(v.vin));
    const broken = portal.inventory.filter((v) => !isValidVin(v.vin));
    for (const vehicle of valid) {
      await expect(verifier.verify(readFileSync(join(folder, `${vehicle.ref}.pdf`)), vehicle), vehicle.ref).resolves.toHaveProperty('sha256');
    }
    expect(readdirSync(folder).filter((f) => f.endsWith('.pdf'))).toHaveLength(27);
    const manifest = readFileSync(join(folder, 'manifest.csv'), 'utf8');
    for (const vehicle of broken) {
      expect(manifest).toMatch(new RegExp(`^${vehicle.ref},,SKIPPED,.*wrong VIN check digit: VIN ${vehicle.vin} has`, 'm'));
    }
    expect(existsSync(join(folder, 'inventory.csv'))).toBe(true);

    const stats = portal.stats();
    expect(stats.logins).toBe(1);
    // Skipped means never asked for: no sticker request for a broken VIN.
    expect(Object.keys(stats.pdfServed).sort()).toEqual(valid.map((v) => v.ref).sort());
    expect(stats.pdfRequests).toBe(27);
  }, 120_000);

  it('survives expiring sessions and mixed-up stickers: one login per refresh, no wrong PDF stored', async () => {
    // The inventory export takes 5 requests of a session, well under 25: expiries hit the stickers.
    portal = await startDemoPortal({ site: 'window-sticker', vehicles: 30, faults: 'expire=25,interfere=0.2' });
    dir = tempDir();
    const { report, folder } = await runAgainst(portal, dir.path, { profile: windowSticker, maxAttempts: 8 });
    expect(report).toMatchObject({ status: 'completed', succeeded: 27, failed: 0, skipped: 3 });
    const stats = portal.stats();
    expect(report.session_refreshes).toBeGreaterThan(0);
    expect(stats.logins).toBe(1 + report.session_refreshes);
    expect(stats.sessionsEnded.replaced).toBe(0);
    expect(report.wrong_documents_rejected).toBe(stats.wrongPdfServed);
    for (const vehicle of portal.inventory.filter((v) => isValidVin(v.vin))) {
      await expect(verifier.verify(readFileSync(join(folder, `${vehicle.ref}.pdf`)), vehicle), vehicle.ref).resolves.toHaveProperty('sha256');
    }
  }, 180_000);
});
