import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { PortalClient, pdfText } from '../../harness/portal-client.js';

const EXTRA_ROWS = [
  { 'Reference Number': '', VIN: '1HGCM82633A004352', Make: 'Honda' },
  { 'Reference Number': '12AB, 34', VIN: 'NOT-A-VIN', Make: 'Ghost' },
];

describe('demo portal over HTTP', () => {
  let portal: DemoPortal;
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 24, extraCsvRows: EXTRA_ROWS });
  });
  afterAll(async () => portal.close());

  const client = () => new PortalClient(portal.url);

  it('has the same inventory for the same seed', async () => {
    const again = await startDemoPortal({ vehicles: 24 });
    try {
      expect(again.inventory).toEqual(portal.inventory);
      expect(again.url).not.toBe(portal.url);
    } finally {
      await again.close();
    }
  });

  it('serves a login form with a CSRF token in a hidden field and a cookie', async () => {
    const c = client();
    const response = await c.request('/login');
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const marker of ['id="login-form"', 'id="username"', 'name="username"', 'id="password"', 'name="password"', 'id="login-submit"', 'type="submit"']) {
      expect(html).toContain(marker);
    }
    expect(html).toContain('href="/static/style.css"');
    expect(html).toContain('src="/static/logo.png"');
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(token).toBeTruthy();
    expect(c.cookies.get('dv_csrf')).toBe(token);
    expect(html).not.toContain('session-notice');
    expect(await (await c.request('/login?reason=expired')).text()).toContain('id="session-notice"');
  });

  it('refuses a login without the matching CSRF token', async () => {
    const c = client();
    await c.csrf();
    const before = portal.stats().logins;
    const forged = await c.request('/login', { form: { csrf: 'forged-token-000000', ...DEMO_CREDENTIALS } });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('Invalid CSRF token');
    const missing = await client().request('/login', { form: { ...DEMO_CREDENTIALS } });
    expect(missing.status).toBe(403);
    expect(portal.stats().logins).toBe(before);
  });

  it('re-renders the login page with #login-error on wrong credentials', async () => {
    const before = portal.stats().failedLogins;
    const response = await client().login({ username: 'demo', password: 'wrong' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<div id="login-error" class="error">Invalid username or password.</div>');
    expect(html).toContain('id="login-form"');
    expect(portal.stats().failedLogins).toBe(before + 1);
  });

  it('logs in, asks for the license once, then shows the inventory', async () => {
    const c = client();
    const login = await c.login();
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe('/license');
    const setCookie = login.headers.getSetCookie().find((l) => l.startsWith('dv_session='));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Path=\//);

    // Every protected route sends an unlicensed session to the license, the PDF included.
    const early = await c.request('/inventory');
    expect(early.status).toBe(302);
    expect(early.headers.get('location')).toBe('/license');
    const earlyPdf = await c.request(`/vehicles/${portal.inventory[0]!.ref}/report.pdf`);
    expect(earlyPdf.headers.get('location')).toBe('/license');

    const license = await c.request('/license');
    const html = await license.text();
    expect(html).toContain('id="license-text"');
    expect(html).toContain('id="accept-license"');
    const before = portal.stats().licenseAccepts;
    const accept = await c.request('/license', { form: {} });
    expect(accept.status).toBe(302);
    expect(accept.headers.get('location')).toBe('/inventory');
    expect(portal.stats().licenseAccepts).toBe(before + 1);

    const inventory = await c.request('/inventory');
    expect(inventory.status).toBe(200);
    const page = await inventory.text();
    expect(page).toContain('id="inventory-table"');
    expect(page).toContain('id="clear-filters"');
    expect(page).toContain('id="export-csv" class="button" href="/inventory/export.csv"');
    expect(page).toMatch(/<select name="status"[^>]*>.*All.*In Stock.*In Transit.*Sold Pending/s);
    expect(page).toContain('<select name="make"');
  });

  it('redirects protected routes to the login page without a session, PDFs and CSV too', async () => {
    const c = client();
    for (const path of ['/inventory', '/inventory/export.csv', `/vehicles/${portal.inventory[1]!.ref}`, `/vehicles/${portal.inventory[1]!.ref}/report.pdf`]) {
      const response = await c.request(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get('location'), path).toBe('/login?reason=login-required');
    }
    c.cookies.set('dv_session', 'made-up');
    expect((await c.request('/inventory')).headers.get('location')).toBe('/login?reason=login-required');
  });

  it('allows one active session per user: a second login ends the first', async () => {
    const first = await client().session();
    expect((await first.request('/inventory')).status).toBe(200);
    const before = portal.stats().sessionsEnded.replaced;
    const second = await client().session();
    const kicked = await first.request('/inventory');
    expect(kicked.status).toBe(302);
    expect(kicked.headers.get('location')).toBe('/login?reason=session-ended');
    const pdf = await first.request(`/vehicles/${portal.inventory[0]!.ref}/report.pdf`);
    expect(pdf.headers.get('location')).toBe('/login?reason=session-ended');
    expect((await second.request('/inventory')).status).toBe(200);
    expect(portal.stats().sessionsEnded.replaced).toBe(before + 1);
    expect(portal.stats().activeSessions).toBe(1);
  });

  it('keeps the sticky filter across logins; clearing it exports everything plus the extra rows', async () => {
    const c = await client().session();
    // Another test may have cleared it already: put the sticky filter back first.
    await c.request('/inventory/filters', { form: { status: 'In Stock', make: '' } });
    await c.session();
    const page = await (await c.request('/inventory')).text();
    const inStock = portal.inventory.filter((v) => v.status === 'In Stock');
    expect(inStock.length).toBeLessThan(portal.inventory.length);
    expect(page).toContain(`Showing ${inStock.length} of ${portal.inventory.length} vehicles`);

    const filtered = await c.request('/inventory/export.csv');
    expect(filtered.status).toBe(200);
    expect(filtered.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(filtered.headers.get('content-disposition')).toBe('attachment; filename="inventory.csv"');
    const filteredLines = (await filtered.text()).trimEnd().split('\r\n');
    expect(filteredLines[0]).toBe('Reference Number,VIN,Year,Make,Model,Trim,Mileage,Stock Number,Status,Price');
    expect(filteredLines).toHaveLength(1 + inStock.length + EXTRA_ROWS.length);
    const hidden = portal.inventory.find((v) => v.status !== 'In Stock')!;
    expect(filteredLines.some((l) => l.startsWith(hidden.ref))).toBe(false);

    const clear = await c.request('/inventory/filters/clear', { form: {} });
    expect(clear.status).toBe(302);
    expect(clear.headers.get('location')).toBe('/inventory');
    expect(await (await c.request('/inventory')).text()).toContain(`Showing ${portal.inventory.length} of ${portal.inventory.length} vehicles`);
    const all = (await (await c.request('/inventory/export.csv')).text()).trimEnd().split('\r\n');
    expect(all).toHaveLength(1 + portal.inventory.length + EXTRA_ROWS.length);
    const v = portal.inventory[5]!;
    expect(all).toContain(`${v.ref},${v.vin},${v.year},${v.make},${v.model},${v.trim},${v.mileage},${v.stockNumber},${v.status},${v.price}`);
    expect(all.slice(-2)).toEqual([',1HGCM82633A004352,,Honda,,,,,,', '"12AB, 34",NOT-A-VIN,,Ghost,,,,,,']);

    // Cleared stays cleared for this user, across a new login.
    await c.session();
    expect(await (await c.request('/inventory')).text()).toContain(`Showing ${portal.inventory.length} of`);
    const makeFilter = await c.request('/inventory/filters', { form: { status: 'All', make: portal.inventory[0]!.make } });
    expect(makeFilter.status).toBe(302);
    const byMake = portal.inventory.filter((x) => x.make === portal.inventory[0]!.make).length;
    expect(await (await c.request('/inventory')).text()).toContain(`Showing ${byMake} of`);
    await c.request('/inventory/filters/clear', { form: {} });
  });

  it('serves a vehicle page and its PDF, which is that vehicle\'s', async () => {
    const c = await client().session();
    const v = portal.inventory[7]!;
    const pageResponse = await c.request(`/vehicles/${v.ref}`);
    expect(pageResponse.status).toBe(200);
    const page = await pageResponse.text();
    expect(page).toContain(`<h1 id="vehicle-title">${v.year} ${v.make} ${v.model} ${v.trim}</h1>`);
    expect(page).toContain(`<dd id="vehicle-ref">${v.ref}</dd>`);
    expect(page).toContain(`<dd id="vehicle-vin">${v.vin}</dd>`);
    expect(page).toMatch(new RegExp(`<a id="download-pdf"[^>]*href="/vehicles/${v.ref}/report.pdf"[^>]*download>Download PDF</a>`));

    const before = portal.stats();
    const { response, body } = await c.bytes(`/vehicles/${v.ref}/report.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${v.ref}.pdf"`);
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const doc = await PDFDocument.load(body);
    expect(doc.getTitle()).toBe(`Valuation report ${v.ref}`);
    const text = await pdfText(body);
    expect(text).toContain(`Reference: ${v.ref}`);
    expect(text).toContain(`VIN: ${v.vin}`);
    const after = portal.stats();
    expect(after.pdfRequests - before.pdfRequests).toBe(1);
    expect((after.pdfServed[v.ref] ?? 0) - (before.pdfServed[v.ref] ?? 0)).toBe(1);
    expect((after.pdfContentServed[v.ref] ?? 0) - (before.pdfContentServed[v.ref] ?? 0)).toBe(1);

    // Same vehicle, same bytes.
    expect((await c.bytes(`/vehicles/${v.ref}/report.pdf`)).body.equals(body)).toBe(true);
  });

  it('answers 404 for unknown refs and paths', async () => {
    const c = await client().session();
    const page = await c.request('/vehicles/00000000');
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('No vehicle with reference number 00000000');
    expect((await c.request('/vehicles/00000000/report.pdf')).status).toBe(404);
    expect((await c.request('/vehicles/%E0%A4%A/report.pdf')).status).toBe(404);
    expect((await c.request('/nope')).status).toBe(404);
  });

  it('serves the static assets a browser would load', async () => {
    const c = client();
    const css = await c.request('/static/style.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).toContain('/static/font.woff2');
    const logo = await c.bytes('/static/logo.png');
    expect(logo.response.headers.get('content-type')).toBe('image/png');
    expect(logo.body.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await c.request('/static/font.woff2')).headers.get('content-type')).toBe('font/woff2');
  });

  it('logs out', async () => {
    const c = await client().session();
    const before = portal.stats().sessionsEnded.loggedOut;
    const token = c.cookies.get('dv_session')!;
    const out = await c.request('/logout');
    expect(out.headers.get('location')).toBe('/login');
    expect(c.cookies.has('dv_session')).toBe(false);
    c.cookies.set('dv_session', token);
    expect((await c.request('/inventory')).headers.get('location')).toBe('/login?reason=login-required');
    expect(portal.stats().sessionsEnded.loggedOut).toBe(before + 1);
  });

  it('has JSON admin routes: stats, reset, kick, faults', async () => {
    const c = await client().session();
    const stats = (await (await c.request('/__admin/stats')).json()) as Record<string, unknown>;
    expect(Object.keys(stats)).toEqual(
      expect.arrayContaining(['logins', 'failedLogins', 'activeSessions', 'sessionsEnded', 'requests', 'inFlight', 'inFlightPeak', 'pdfRequests', 'pdfServed', 'wrongPdfServed', 'licenseAccepts', 'exports', 'faultsInjected']),
    );
    expect(stats).toEqual(portal.stats());

    const kick = await c.request('/__admin/kick', { method: 'POST' });
    expect(await kick.json()).toMatchObject({ kicked: 1 });
    expect((await c.request('/inventory')).headers.get('location')).toBe('/login?reason=session-ended');

    const bad = await c.request('/__admin/faults', { body: 'meteor=1' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('meteor');
    const good = await c.request('/__admin/faults', { body: '' });
    expect(good.status).toBe(200);

    expect((await c.request('/__admin/reset-stats', { method: 'POST' })).status).toBe(200);
    const reset = portal.stats();
    expect(reset.requests).toBe(0);
    expect(reset.logins).toBe(0);
    expect(reset.pdfServed).toEqual({});
  });

  it('honours stickyFilter: false and custom credentials', async () => {
    const credentials = { username: 'fleet', password: 'p@ss, word' };
    const other = await startDemoPortal({ vehicles: 16, stickyFilter: false, credentials, seed: 5 });
    try {
      const c = new PortalClient(other.url);
      expect((await c.login()).status).toBe(200);
      expect((await c.login(credentials)).status).toBe(302);
      await c.request('/license', { form: {} });
      expect(await (await c.request('/inventory')).text()).toContain('Showing 16 of 16 vehicles');
      expect(other.inventory.map((v) => v.ref)).not.toEqual(portal.inventory.slice(0, 16).map((v) => v.ref));
    } finally {
      await other.close();
    }
  });

  // How many a second: `npm run bench -- --micro` measures it; a test asserts no rate.
  it('serves 240 PDFs to eight concurrent requests of one session, each the vehicle\'s own', async () => {
    const c = await client().session();
    const refs = portal.inventory.map((v) => v.ref);
    const total = 240;
    let next = 0;
    const served = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < total) {
          const ref = refs[next++ % refs.length]!;
          const { response, body } = await c.bytes(`/vehicles/${ref}/report.pdf`);
          expect(response.status).toBe(200);
          expect(body.subarray(0, 5).toString()).toBe('%PDF-');
          if (!served.has(ref)) expect(await pdfText(body)).toContain(`Reference: ${ref}`);
          served.set(ref, (served.get(ref) ?? 0) + 1);
        }
      }),
    );
    expect([...served.values()].reduce((a, b) => a + b, 0)).toBe(total);
    expect(served.size).toBe(refs.length);
  });
});
