import { afterEach, describe, expect, it, vi } from 'vitest';
import { startDemoPortal, type DemoPortal, type DemoPortalOptions } from '../../lib/demo-portal/index.js';
import { PortalClient, pdfText } from '../../harness/portal-client.js';

describe('demo portal fault injection', () => {
  let portal: DemoPortal | undefined;
  afterEach(async () => {
    await portal?.close();
    portal = undefined;
  });

  async function start(options: DemoPortalOptions): Promise<DemoPortal> {
    portal = await startDemoPortal({ vehicles: 12, ...options });
    return portal;
  }

  it('5xx=1: protected routes answer an HTML 5xx page, login and license still work', async () => {
    const p = await start({ faults: '5xx=1' });
    const c = await new PortalClient(p.url).session();
    for (const path of ['/inventory', '/inventory/export.csv', `/vehicles/${p.inventory[0]!.ref}`, `/vehicles/${p.inventory[0]!.ref}/report.pdf`]) {
      const response = await c.request(path);
      expect([500, 502, 503], path).toContain(response.status);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('id="error-page"');
    }
    expect(p.stats().faultsInjected['5xx']).toBe(4);
    p.setFaults('');
    expect((await c.request('/inventory')).status).toBe(200);
  });

  it('hang=1: protected requests never answer, and close() still resolves at once', async () => {
    const p = await start({ faults: 'hang=1' });
    const c = await new PortalClient(p.url).session();
    const ref = p.inventory[0]!.ref;
    await expect(c.request(`/vehicles/${ref}/report.pdf`, { signal: AbortSignal.timeout(200) })).rejects.toThrow(/timeout|abort/i);
    // The aborted request left; a hung one with no client timeout stays in flight.
    const hung = c.request('/inventory', { signal: AbortSignal.timeout(30_000) }).catch((e: unknown) => e);
    // The aborted request has left, the hung one arrived: wait for both rather than a fixed time.
    await vi.waitFor(() => expect(p.stats()).toMatchObject({ inFlight: 1, faultsInjected: { hang: 2 } }), { timeout: 10_000, interval: 20 });
    // close() must not wait for the hung request (its client would wait 30 s): it resolves, and the request ends.
    await p.close();
    expect(await hung).toBeInstanceOf(Error);
  });

  it('expire=2: the session expires on its 3rd request', async () => {
    const p = await start({ faults: 'expire=2' });
    const c = new PortalClient(p.url);
    await c.login();
    expect((await c.request('/license', { form: {} })).headers.get('location')).toBe('/inventory'); // 1st
    expect((await c.request('/inventory')).status).toBe(200); // 2nd
    const third = await c.request(`/vehicles/${p.inventory[0]!.ref}/report.pdf`);
    expect(third.status).toBe(302);
    expect(third.headers.get('location')).toBe('/login?reason=expired');
    expect((await c.request('/inventory')).headers.get('location')).toBe('/login?reason=expired');
    expect(p.stats().sessionsEnded.expired).toBe(1);
    expect(p.stats().activeSessions).toBe(0);
  });

  it('kick=3: every 3rd protected request portal-wide ends the active sessions', async () => {
    const p = await start({ faults: 'kick=3' });
    const c = await new PortalClient(p.url).session();
    expect((await c.request('/inventory')).status).toBe(200);
    expect((await c.request(`/vehicles/${p.inventory[2]!.ref}`)).status).toBe(200);
    const third = await c.request('/inventory');
    expect(third.headers.get('location')).toBe('/login?reason=session-ended');
    expect((await c.request('/inventory')).headers.get('location')).toBe('/login?reason=session-ended');
    expect(p.stats().sessionsEnded.kicked).toBe(1);

    // kickSessions() does the same on demand.
    await c.session();
    expect((await c.request('/inventory')).status).toBe(200);
    p.kickSessions();
    expect((await c.request('/inventory')).headers.get('location')).toBe('/login?reason=session-ended');
    expect(p.stats().sessionsEnded.kicked).toBe(2);
  });

  it('ratelimit=1: of two concurrent slow requests, one gets a 429 with Retry-After', async () => {
    const p = await start({ faults: 'ratelimit=1', pageLatencyMs: 300 });
    const c = new PortalClient(p.url);
    const responses = await Promise.all([c.request('/login'), c.request('/login')]);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 429]);
    expect(responses.find((r) => r.status === 429)!.headers.get('retry-after')).toBe('1');
    expect(p.stats().faultsInjected.ratelimit).toBe(1);
    expect(p.stats().inFlightPeak).toBe(2);
  });

  it('wait=S: every PDF request answers 429 with Retry-After S; pages still answer', async () => {
    const p = await start({ faults: 'wait=86400' });
    const c = await new PortalClient(p.url).session();
    const ref = p.inventory[0]!.ref;
    const pdf = await c.request(`/vehicles/${ref}/report.pdf`);
    expect(pdf.status).toBe(429);
    expect(pdf.headers.get('retry-after')).toBe('86400');
    expect((await c.request(`/vehicles/${ref}`)).status).toBe(200);
    expect(p.stats().faultsInjected.wait).toBe(1);
  });

  it("interfere=1: a PDF request gets the session's current vehicle's PDF under the requested name", async () => {
    const p = await start({ faults: 'interfere=1' });
    const c = await new PortalClient(p.url).session();
    const [a, b] = [p.inventory[1]!, p.inventory[2]!];
    // No current vehicle yet: the right PDF.
    expect(await pdfText((await c.bytes(`/vehicles/${b.ref}/report.pdf`)).body)).toContain(`Reference: ${b.ref}`);
    expect((await c.request(`/vehicles/${a.ref}`)).status).toBe(200);
    const { response, body } = await c.bytes(`/vehicles/${b.ref}/report.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${b.ref}.pdf"`);
    const text = await pdfText(body);
    expect(text).toContain(`Reference: ${a.ref}`);
    expect(text).not.toContain(b.ref);
    // The current vehicle's own PDF is right.
    expect(await pdfText((await c.bytes(`/vehicles/${a.ref}/report.pdf`)).body)).toContain(`Reference: ${a.ref}`);
    const stats = p.stats();
    expect(stats.wrongPdfServed).toBe(1);
    expect(stats.faultsInjected.interfere).toBe(1);
    expect(stats.pdfServed).toEqual({ [b.ref]: 2, [a.ref]: 1 });
    expect(stats.pdfContentServed).toEqual({ [b.ref]: 1, [a.ref]: 2 });
  });

  it('down=3: every route answers 503 for the first 3 seconds, admin still works', async () => {
    // 3 s rather than 1: the requests below must land inside the window on a loaded machine too.
    const p = await start({ faults: 'down=3' });
    const c = new PortalClient(p.url);
    const down = await c.request('/login');
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await c.request('/static/style.css')).status).toBe(503);
    expect((await c.request('/__admin/stats')).status).toBe(200);
    // Wait for the portal to come back rather than a fixed time; every 503 meanwhile is counted.
    let waited = 0;
    await vi.waitFor(
      async () => {
        const status = (await c.request('/login')).status;
        if (status === 503) waited += 1;
        expect(status).toBe(200);
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(p.stats().faultsInjected.down).toBe(2 + waited);
    // setFaults restarts the window.
    p.setFaults({ down: 0.2 });
    expect((await c.request('/login')).status).toBe(503);
  });

  it('same seed, same faults: the same requests meet the same faults', async () => {
    const outcomes: number[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const p = await start({ faults: '5xx=0.5', seed: 9 });
      const c = await new PortalClient(p.url).session();
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await c.request('/inventory')).status);
      outcomes.push(statuses);
      await p.close();
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(new Set(outcomes[0])).toContain(200);
    expect(outcomes[0]!.some((s) => s >= 500)).toBe(true);
  });

  it('refuses a bad fault spec with an InputError before listening', async () => {
    await expect(startDemoPortal({ faults: '5xx=abc' })).rejects.toThrow('bad --faults item "5xx=abc": 5xx must be a probability between 0 and 1');
  });
});
