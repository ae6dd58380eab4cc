import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';

/** The portal's routes over plain HTTP (no browser): what the condition-reports profile relies on. */

const fieldsOf = (html: string): string[] => [...html.matchAll(/<input type="(?:text|password)" id="([^"]+)" name="\1"/g)].map((m) => m[1]!);
const flowOf = (html: string): string => /name="flow" value="([^"]+)"/.exec(html)![1]!;

async function post(url: string, form: Record<string, string>, cookie = ''): Promise<Response> {
  return fetch(url, { method: 'POST', body: new URLSearchParams(form), headers: { cookie }, redirect: 'manual' });
}

/** Signs in over HTTP the way the frame does: credentials, then the code; returns the session cookie. */
async function signIn(portal: DemoPortal, acceptTerms = true): Promise<string> {
  const frame = await (await fetch(`${portal.url}/signin/frame`)).text();
  const [user, pass] = fieldsOf(frame);
  const codePage = await (await post(`${portal.url}/signin/frame`, { flow: flowOf(frame), [user!]: 'demo', [pass!]: 'demo-pass' })).text();
  const codeField = /id="([^"]+)" name="\1" inputmode="numeric"/.exec(codePage)![1]!;
  const done = await post(`${portal.url}/signin/code`, { flow: flowOf(codePage), [codeField]: await generate({ secret: DEMO_CREDENTIALS.totpSecret }) });
  const cookie = done.headers.get('set-cookie')!.split(';')[0]!;
  if (acceptTerms) expect((await post(`${portal.url}/terms`, { read: 'on' }, cookie)).headers.get('location')).toBe('/');
  return cookie;
}

const json = async (r: Response): Promise<Record<string, unknown>> => (await r.json()) as Record<string, unknown>;

describe('condition-reports demo site over HTTP', () => {
  let portal: DemoPortal;
  beforeAll(async () => {
    portal = await startDemoPortal({ site: 'condition-reports', vehicles: 120 });
  });
  afterAll(async () => portal?.close());

  it('the sign-in form is in an iframe, and its field names and ids change on every load', async () => {
    expect(await (await fetch(`${portal.url}/signin`)).text()).toContain('<iframe id="signin-frame"');
    const a = fieldsOf(await (await fetch(`${portal.url}/signin/frame`)).text());
    const b = fieldsOf(await (await fetch(`${portal.url}/signin/frame`)).text());
    expect(a).toHaveLength(2);
    expect(a.some((name) => b.includes(name))).toBe(false);
  });

  it('a wrong code is refused inside the frame; the right one signs in', async () => {
    const frame = await (await fetch(`${portal.url}/signin/frame`)).text();
    const [user, pass] = fieldsOf(frame);
    const codePage = await (await post(`${portal.url}/signin/frame`, { flow: flowOf(frame), [user!]: 'demo', [pass!]: 'demo-pass' })).text();
    const codeField = /id="([^"]+)" name="\1" inputmode="numeric"/.exec(codePage)![1]!;
    const wrong = await (await post(`${portal.url}/signin/code`, { flow: flowOf(codePage), [codeField]: '000000' })).text();
    expect(wrong).toContain('class="signin-error"');
    expect(await signIn(portal)).toMatch(/^dv_session=/);
  });

  it('the API answers a dead session with HTTP 200 and the sign-in page; before the terms with 403', async () => {
    const dead = await fetch(`${portal.url}/api/vehicles`);
    expect(dead.status).toBe(200);
    expect(await dead.text()).toContain('id="signin-shell"');
    const cookie = await signIn(portal, false);
    expect((await fetch(`${portal.url}/api/vehicles`, { headers: { cookie } })).status).toBe(403);
    // Agree without the box ticked changes nothing.
    expect((await post(`${portal.url}/terms`, {}, cookie)).headers.get('location')).toBe('/terms');
    expect((await fetch(`${portal.url}/api/vehicles`, { headers: { cookie } })).status).toBe(403);
  });

  it('the feed pages through the whole inventory by cursor, awkward stock numbers included', async () => {
    const cookie = await signIn(portal);
    const stocks: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await json(await fetch(`${portal.url}/api/vehicles?limit=50${cursor ? `&cursor=${cursor}` : ''}`, { headers: { cookie } }));
      stocks.push(...(page.items as Array<{ stock: string }>).map((i) => i.stock));
      expect(page.total).toBe(120);
      cursor = page.nextCursor as string | null;
    }
    expect(stocks).toEqual(portal.inventory.map((v) => v.ref));
    expect(stocks.filter((s) => /\/|^ .* $|^cr-|Ä$/.test(s))).toHaveLength(10);
  });

  it('a report is a job: preparing, then ready with a link that works once, for its own session only', async () => {
    const cookie = await signIn(portal);
    const ref = portal.inventory[7]!.ref;
    const job = await fetch(`${portal.url}/api/reports`, { method: 'POST', body: JSON.stringify({ stock: ref }), headers: { cookie } });
    expect(job.status).toBe(202);
    const { jobId } = await json(job);
    const status = `${portal.url}/api/reports/${jobId as string}`;
    expect(await json(await fetch(status, { headers: { cookie } }))).toMatchObject({ status: 'preparing' });
    const ready = await json(await fetch(status, { headers: { cookie } }));
    expect(ready).toMatchObject({ status: 'ready' });
    const link = `${portal.url}${ready.downloadUrl as string}`;
    const other = await signIn(portal);
    // Signing in again ended the first session (one per user): the link is the new session's no more.
    expect((await fetch(link, { headers: { cookie: other } })).status).toBe(404);
    const cookie2 = other;
    const job2 = await json(await fetch(`${portal.url}/api/reports`, { method: 'POST', body: JSON.stringify({ stock: ref }), headers: { cookie: cookie2 } }));
    const status2 = `${portal.url}/api/reports/${job2.jobId as string}`;
    await fetch(status2, { headers: { cookie: cookie2 } });
    const link2 = `${portal.url}${(await json(await fetch(status2, { headers: { cookie: cookie2 } }))).downloadUrl as string}`;
    const pdf = await fetch(link2, { headers: { cookie: cookie2 } });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await fetch(link2, { headers: { cookie: cookie2 } })).status).toBe(410);
    expect((await fetch(`${portal.url}/api/reports`, { method: 'POST', body: JSON.stringify({ stock: 'nope' }), headers: { cookie: cookie2 } })).status).toBe(404);
  });

  it('expire=N ends a session after N authenticated requests (the sign-in costs none)', async () => {
    portal.setFaults({ expire: 5 });
    try {
      // The terms acceptance was 1; four more answers, then the sign-in page.
      const cookie = await signIn(portal);
      for (let i = 0; i < 4; i += 1) expect((await fetch(`${portal.url}/api/vehicles?limit=1`, { headers: { cookie } })).headers.get('content-type')).toMatch(/json/);
      expect(await (await fetch(`${portal.url}/api/vehicles?limit=1`, { headers: { cookie } })).text()).toContain('id="signin-shell"');
    } finally {
      portal.setFaults({});
    }
  });
});
