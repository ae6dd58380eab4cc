import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginRejectedError, SessionExpiredError } from '../../../lib/core/errors.js';
import { parseInventoryCsv } from '../../../lib/core/portal/inventory-csv.js';
import {
  exportInventory,
  fetchDocumentInPage,
  loginInBrowser,
} from '../../../lib/core/portal/steps.js';
import { verifyDocument } from '../../../lib/core/verify/index.js';
import { DEMO_CREDENTIALS } from '../../../lib/demo-portal/index.js';
import { dealerValues } from '../../../lib/profiles/index.js';
import { portalAndBrowser } from '../../helpers/fixtures.js';

describe('dealer-values steps against the demo portal (real Chromium)', () => {
  let env: Awaited<ReturnType<typeof portalAndBrowser>>;
  beforeAll(async () => {
    env = await portalAndBrowser({ vehicles: 20 });
  });
  afterAll(async () => env?.close());

  async function loggedInPage() {
    const cookies = await loginInBrowser(env.browser, dealerValues, DEMO_CREDENTIALS, env.ctx);
    const context = await env.browser.newContext();
    await context.addCookies(cookies);
    return { page: await context.newPage(), context, cookies };
  }

  it('logs in with good credentials, accepts the license and returns the session cookie', async () => {
    const before = env.portal.stats();
    const cookies = await loginInBrowser(env.browser, dealerValues, DEMO_CREDENTIALS, env.ctx);
    expect(cookies.map((c) => c.name)).toContain('dv_session');
    const after = env.portal.stats();
    expect(after.logins - before.logins).toBe(1);
    expect(after.licenseAccepts - before.licenseAccepts).toBe(1);
  });

  it('fails fast on wrong credentials with a clear error, after one attempt', async () => {
    const before = env.portal.stats();
    await expect(
      loginInBrowser(env.browser, dealerValues, { username: 'demo', password: 'wrong' }, env.ctx),
    ).rejects.toBeInstanceOf(LoginRejectedError);
    expect(env.portal.stats().failedLogins - before.failedLogins).toBe(1);
  });

  it('clears the sticky filters and exports the whole inventory as CSV', async () => {
    const { page, context } = await loggedInPage();
    try {
      const csv = await exportInventory(page, dealerValues, env.ctx, 1);
      expect(typeof csv).toBe('string');
      const { vehicles, rejected } = parseInventoryCsv(csv as string, dealerValues.inventory.columns);
      expect(rejected).toEqual([]);
      expect(vehicles.map((v) => v.ref).sort()).toEqual(env.portal.inventory.map((v) => v.ref).sort());
      expect(vehicles.find((v) => v.ref === env.portal.inventory[0]!.ref)?.vin).toBe(env.portal.inventory[0]!.vin);
    } finally {
      await context.close();
    }
  });

  it('downloads a vehicle PDF through its page that verifies as that vehicle', async () => {
    const { page, context } = await loggedInPage();
    try {
      const vehicle = env.portal.inventory[3]!;
      const body = await fetchDocumentInPage(page, dealerValues, vehicle, env.ctx, 1);
      const verified = verifyDocument(body, vehicle);
      expect(verified.matched).toContain('ref');
    } finally {
      await context.close();
    }
  });

  it('reports an ended session as SessionExpiredError carrying the stale version', async () => {
    const { page, context } = await loggedInPage();
    try {
      env.portal.kickSessions();
      const error = await fetchDocumentInPage(page, dealerValues, env.portal.inventory[0]!, env.ctx, 7).catch((e) => e);
      expect(error).toBeInstanceOf(SessionExpiredError);
      expect((error as SessionExpiredError).staleVersion).toBe(7);
    } finally {
      await context.close();
    }
  });
});
