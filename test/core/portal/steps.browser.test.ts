import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CriticalError, LoginRejectedError, SessionExpiredError } from '../../../lib/core/errors.js';
import type { PortalProfile } from '../../../lib/core/portal/profile.js';
import { parseInventoryCsv } from '../../../lib/core/portal/inventory-csv.js';
import {
  clickControl,
  exportInventory,
  fetchDocumentInPage,
  loginInBrowser,
} from '../../../lib/core/portal/steps.js';
import { PdfVerifier } from '../../../lib/core/verify/index.js';
import { DEMO_CREDENTIALS } from '../../../lib/demo-portal/index.js';
import { dealerValues } from '../../../lib/profiles/index.js';
import { portalAndBrowser } from '../../helpers/fixtures.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

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
      const verified = (await verifier.verify(body, vehicle));
      expect(verified.matched).toContain('ref');
    } finally {
      await context.close();
    }
  });

  it('downloads the PDF with a mouse click too, for portals that want trusted events', async () => {
    const { page, context } = await loggedInPage();
    try {
      const vehicle = env.portal.inventory[4]!;
      const body = await fetchDocumentInPage(page, { ...dealerValues, clicks: 'mouse' }, vehicle, env.ctx, 1);
      expect((await verifier.verify(body, vehicle)).matched).toContain('ref');
    } finally {
      await context.close();
    }
  });

  describe('clickControl', () => {
    /** How a page's control was clicked: a DOM click is untrusted, a mouse click trusted. */
    async function clicksOn(html: string, click: (page: Page) => Promise<void>): Promise<string[]> {
      const context = await env.browser.newContext();
      try {
        const page = await context.newPage();
        await page.setContent(`${html}<script>window.clicks = []; document.addEventListener('click', (e) => window.clicks.push(e.isTrusted ? 'mouse' : 'dom'));</script>`);
        await click(page);
        return (await page.evaluate('window.clicks')) as string[];
      } finally {
        await context.close();
      }
    }

    it('clicks a control already on the page with one DOM click', async () => {
      expect(await clicksOn('<button id="go">Go</button>', (page) => clickControl(page, '#go', env.ctx))).toEqual(['dom']);
    });

    it('clicks with the mouse when the profile says so', async () => {
      expect(await clicksOn('<button id="go">Go</button>', (page) => clickControl(page, '#go', env.ctx, 'mouse'))).toEqual(['mouse']);
    });

    it('falls back to the mouse for a selector that is not CSS', async () => {
      expect(await clicksOn('<button>Download PDF</button>', (page) => clickControl(page, 'text=Download PDF', env.ctx))).toEqual(['mouse']);
    });

    it('waits for a control the page draws later', async () => {
      const late = `<script>setTimeout(() => { const b = document.createElement('button'); b.id = 'late'; document.body.append(b); }, 300);</script>`;
      expect(await clicksOn(late, (page) => clickControl(page, '#late', env.ctx))).toEqual(['mouse']);
    });
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

  it('a document hook with openPage false runs from the page as it is, with session-aware helpers', async () => {
    const viaRequest: PortalProfile = {
      ...dealerValues,
      document: {
        ...dealerValues.document,
        openPage: false,
        run: async (page, vehicle, ctx) =>
          ctx.checkApiResponse(await page.request.get(`${ctx.baseUrl}/vehicles/${encodeURIComponent(vehicle.ref)}/report.pdf`), 'report'),
      },
    };
    const { page, context } = await loggedInPage();
    try {
      const vehicle = env.portal.inventory[2]!;
      const before = env.portal.stats().requests;
      const body = await fetchDocumentInPage(page, viaRequest, vehicle, env.ctx, 1);
      expect((await verifier.verify(body, vehicle)).matched).toEqual(['ref', 'vin']);
      // No vehicle page first: the PDF was the only request.
      expect(env.portal.stats().requests - before).toBe(1);
      expect(page.url()).toBe('about:blank');
      env.portal.kickSessions();
      const error = await fetchDocumentInPage(page, viaRequest, vehicle, env.ctx, 6).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SessionExpiredError);
      expect((error as SessionExpiredError).staleVersion).toBe(6);
    } finally {
      await context.close();
    }
  });

  it('terms asked again when a download lands on the license page: accepted in place, the download tried once more', async () => {
    const { page, context } = await loggedInPage();
    try {
      const vehicle = env.portal.inventory[3]!;
      // The portal shows its license again when the first download is asked for (the demo keeps it accepted, so the
      // first vehicle page is rewritten: its control leads to the real license page).
      let bounced = 0;
      await page.route(
        `**/vehicles/${vehicle.ref}`,
        async (route) => {
          bounced += 1;
          const answer = await route.fetch();
          const html = (await answer.text()).replace(/<a id="download-pdf"[^>]*>/, '<a id="download-pdf" href="/license">');
          await route.fulfill({ response: answer, body: html });
        },
        { times: 1 },
      );
      const accepts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/license') accepts.push(r.url());
      });
      const body = await fetchDocumentInPage(page, dealerValues, vehicle, env.ctx, 1);
      expect((await verifier.verify(body, vehicle)).matched).toEqual(['ref', 'vin']);
      expect(bounced).toBe(1);
      expect(accepts).toHaveLength(1);
    } finally {
      await context.close();
    }
  });

  it('a license.run hook accepts the license after login', async () => {
    let runs = 0;
    const hooked: PortalProfile = {
      ...dealerValues,
      license: {
        urlPattern: dealerValues.license!.urlPattern,
        run: async (page, ctx) => {
          runs += 1;
          await Promise.all([page.waitForURL((url) => url.pathname !== '/license', { timeout: ctx.stepTimeoutMs }), page.click('#accept-license')]);
        },
      },
    };
    const before = env.portal.stats();
    await loginInBrowser(env.browser, hooked, DEMO_CREDENTIALS, env.ctx);
    expect(runs).toBe(1);
    expect(env.portal.stats().licenseAccepts - before.licenseAccepts).toBe(1);
  });

  it('the default login without its selectors (and no login.run) is a config error', async () => {
    const { usernameSelector: _u, ...login } = dealerValues.login;
    const error = await loginInBrowser(env.browser, { ...dealerValues, login }, DEMO_CREDENTIALS, env.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CriticalError);
    expect((error as CriticalError).reason).toBe('bad_config');
  });
});
