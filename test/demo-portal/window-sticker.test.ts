import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { DEMO_CREDENTIALS, isValidVin, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { generateInventory } from '../../lib/demo-portal/inventory.js';
import { PortalClient, pdfText } from '../../harness/portal-client.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

/** Both sign-in steps; returns the client (its jar holds the session). */
async function signIn(c: PortalClient, password = DEMO_CREDENTIALS.password): Promise<Response> {
  const user = await c.request('/signin', { form: { username: DEMO_CREDENTIALS.username } });
  if (user.headers.get('location') !== '/signin/password') throw new Error(`user name step answered ${user.status}`);
  return c.request('/signin/password', { form: { password } });
}

const rowRefs = (html: string) => [...html.matchAll(/<tr class="grid-row" data-ref="([^"]+)"/g)].map((m) => m[1]!);
const stickerLink = (html: string) => /class="window-sticker" data-href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');

describe('demo portal, window-sticker site, over HTTP', () => {
  let portal: DemoPortal;
  beforeAll(async () => {
    portal = await startDemoPortal({ site: 'window-sticker', vehicles: 60 });
  });
  afterAll(async () => portal.close());

  const client = () => new PortalClient(portal.url);
  const session = async () => {
    const c = client();
    await signIn(c);
    return c;
  };

  it('has the dealer inventory with a wrong VIN check digit at positions 7, 17, 27, ...', () => {
    expect(portal.site).toBe('window-sticker');
    const plain = generateInventory(60, 1);
    const broken = portal.inventory.flatMap((v, i) => (isValidVin(v.vin) ? [] : [i]));
    expect(broken).toEqual([7, 17, 27, 37, 47, 57]);
    portal.inventory.forEach((v, i) => {
      expect(v.ref).toBe(plain[i]!.ref);
      // Only the check digit (position 9) differs, so the VIN is still well formed.
      expect(v.vin.slice(0, 8) + v.vin.slice(9)).toBe(plain[i]!.vin.slice(0, 8) + plain[i]!.vin.slice(9));
    });
  });

  it('signs in over two pages: user name, then password for that name', async () => {
    const c = client();
    const first = await c.request('/signin');
    const html = await first.text();
    for (const marker of ['id="signin-user-form"', 'id="signin-username"', 'id="signin-next"']) expect(html).toContain(marker);
    expect(html).not.toContain('type="password"');
    expect(html).toContain('Demo Window Stickers');

    // Step 2 without step 1 (a bookmark) goes back to step 1.
    const early = await c.request('/signin/password');
    expect(early.status).toBe(302);
    expect(early.headers.get('location')).toBe('/signin?reason=signin-expired');

    const empty = await c.request('/signin', { form: { username: ' ' } });
    expect(await empty.text()).toContain('id="signin-error"');

    const user = await c.request('/signin', { form: { username: DEMO_CREDENTIALS.username } });
    expect(user.status).toBe(302);
    expect(user.headers.get('location')).toBe('/signin/password');
    expect(c.cookies.has('ws_signin')).toBe(true);
    const second = await (await c.request('/signin/password')).text();
    expect(second).toContain('id="signin-password-form"');
    expect(second).toContain(`<strong id="signin-as">${DEMO_CREDENTIALS.username}</strong>`);

    const before = portal.stats();
    const wrong = await c.request('/signin/password', { form: { password: 'wrong' } });
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain('<div id="signin-error" class="error">Wrong user name or password.</div>');
    expect(portal.stats().failedLogins).toBe(before.failedLogins + 1);

    // The same sign-in takes another try; success sets the session and ends the sign-in.
    const ok = await c.request('/signin/password', { form: { password: DEMO_CREDENTIALS.password } });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('/inventory');
    expect(ok.headers.getSetCookie().find((l) => l.startsWith('dv_session='))).toMatch(/HttpOnly/);
    expect(c.cookies.has('ws_signin')).toBe(false);
    expect(portal.stats().logins).toBe(before.logins + 1);
    // No license on this portal: the inventory answers at once.
    expect((await c.request('/inventory')).status).toBe(200);
  });

  it('sends requests without a live session to the first sign-in page, and allows one session per user', async () => {
    const anonymous = client();
    for (const path of ['/inventory', `/vehicles/${portal.inventory[0]!.ref}`, `/vehicles/${portal.inventory[0]!.ref}/sticker.pdf?t=x`]) {
      const response = await anonymous.request(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get('location'), path).toBe('/signin?reason=login-required');
    }
    const first = await session();
    await session();
    expect((await first.request('/inventory')).headers.get('location')).toBe('/signin?reason=session-ended');
  });

  it('pages the grid 25 rows at a time behind a sticky status filter; reset shows every vehicle', async () => {
    const c = await session();
    // Another test may have reset it: put the sticky filter back first.
    await c.request('/inventory/filters', { form: { status: 'In Stock', make: '' } });
    const inStock = portal.inventory.filter((v) => v.status === 'In Stock');
    const filtered = await (await c.request('/inventory')).text();
    expect(filtered).toContain('<span class="filter-chip">Status: In Stock</span>');
    expect(filtered).toContain(`1&ndash;25 of ${inStock.length} vehicles`);
    expect(filtered).not.toContain('export');

    const reset = await c.request('/inventory/filters/reset', { form: {} });
    expect(reset.headers.get('location')).toBe('/inventory');
    const refs: string[] = [];
    let path: string | undefined = '/inventory';
    for (let pages = 0; path && pages < 10; pages += 1) {
      const html = await (await c.request(path)).text();
      expect(html).toContain('id="grid-filters">Filters: none');
      refs.push(...rowRefs(html));
      path = /<a href="([^"]+)" rel="next" id="grid-next">/.exec(html)?.[1];
    }
    expect(refs).toEqual(portal.inventory.map((v) => v.ref));

    // A page past the end shows the last page again: "read until empty" would never stop.
    const past = await (await c.request('/inventory?page=99')).text();
    expect(past).toContain('51&ndash;60 of 60 vehicles');
    expect(past).not.toContain('id="grid-next"');
    expect(rowRefs(past)).toEqual(portal.inventory.slice(50).map((v) => v.ref));

    const make = portal.inventory[0]!.make;
    // Every status box ticked (a repeated field), one make.
    const form = new URLSearchParams([['status', 'In Stock'], ['status', 'In Transit'], ['status', 'Sold Pending'], ['make', make]]);
    await c.request('/inventory/filters', { body: form.toString() });
    const byMake = await (await c.request('/inventory')).text();
    expect(byMake).toContain(`<span class="filter-chip">Make: ${make}</span>`);
    expect(rowRefs(byMake)).toEqual(portal.inventory.filter((v) => v.make === make).map((v) => v.ref).slice(0, 25));
    await c.request('/inventory/filters/reset', { form: {} });
  });

  it('opens the window sticker in a new tab: a preparing page, then the PDF, which is that vehicle\'s', async () => {
    const c = await session();
    const v = portal.inventory[3]!;
    const page = await (await c.request(`/vehicles/${v.ref}`)).text();
    expect(page).toContain(`<dd id="vehicle-vin">${v.vin}</dd>`);
    expect(page).toMatch(/<button type="button" id="window-sticker" class="window-sticker" data-href="[^"]+" onclick="window\.open\(this\.dataset\.href, '_blank'\)">/);
    const link = stickerLink(page)!;
    expect(link).toMatch(new RegExp(`^/vehicles/${v.ref}/sticker\\?t=[\\w-]{22}$`));

    const preparing = await c.request(link);
    expect(preparing.status).toBe(200);
    const script = /location\.replace\("([^"]+)"\)/.exec(await preparing.text())?.[1];
    expect(script).toBe(link.replace('/sticker?', '/sticker.pdf?'));

    const before = portal.stats();
    const { response, body } = await c.bytes(script!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="window-sticker-${v.ref}.pdf"`);
    expect((await verifier.verify(body, v)).matched).toEqual(['ref', 'vin']);
    const text = await pdfText(body);
    expect(text).toContain('Window Sticker');
    expect(text).toContain(`Reference: ${v.ref}`);
    expect(text).toContain(`VIN: ${v.vin}`);
    expect(portal.stats().pdfServed[v.ref]).toBe((before.pdfServed[v.ref] ?? 0) + 1);
    expect((await c.bytes(script!)).body.equals(body)).toBe(true);
  });

  it('refuses sticker links of another session or vehicle, unknown vehicles and VINs it cannot decode', async () => {
    const c = await session();
    const v = portal.inventory[4]!;
    const link = stickerLink(await (await c.request(`/vehicles/${v.ref}`)).text())!.replace('/sticker?', '/sticker.pdf?');
    expect((await c.request(link.replace(v.ref, portal.inventory[5]!.ref))).status).toBe(403);
    expect((await c.request(`/vehicles/${v.ref}/sticker.pdf`)).status).toBe(403);
    expect((await c.request('/vehicles/00000000/sticker.pdf?t=x')).status).toBe(404);

    const broken = portal.inventory[7]!;
    const brokenLink = stickerLink(await (await c.request(`/vehicles/${broken.ref}`)).text())!.replace('/sticker?', '/sticker.pdf?');
    const refused = await c.request(brokenLink);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(`VIN ${broken.vin} could not be decoded`);

    // A new session (a new login elsewhere) makes the old links useless.
    const other = await session();
    expect((await other.request(link)).status).toBe(403);
  });

  it('still serves the dealer-values site by default', async () => {
    const dealer = await startDemoPortal({ vehicles: 3 });
    try {
      expect(dealer.site).toBe('dealer-values');
      expect((await new PortalClient(dealer.url).request('/inventory')).headers.get('location')).toBe('/login?reason=login-required');
    } finally {
      await dealer.close();
    }
  });
});
