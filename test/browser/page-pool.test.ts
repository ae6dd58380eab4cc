import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../lib/browser/launch.js';
import { CONNECTIONS_PER_HOST, PagePool } from '../../lib/browser/page-pool.js';
import type { PortalSession } from '../../lib/core/types.js';

/**
 * A host that answers pages at once and whose /stall download sends its headers and a first
 * chunk, then nothing: Chromium keeps such a connection until the browser context closes.
 */
function stallingHost(): Promise<{ url: string; server: Server; stalled: ServerResponse[] }> {
  const stalled: ServerResponse[] = [];
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/stall')) {
      res.writeHead(200, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': 'attachment; filename="stalled.pdf"',
        'Content-Length': '100000',
      });
      res.write('%PDF-1.4 and then nothing');
      stalled.push(res);
      return;
    }
    const cookie = req.headers.cookie ?? '';
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<html><body><p id="cookie">${cookie}</p><a id="stall" href="/stall${req.url}">download</a></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, stalled })));
}

const session = (version: number, value: string): PortalSession => ({
  version,
  createdAt: Date.now(),
  cookies: [{ name: 'sid', value, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }],
});

describe('PagePool (real Chromium)', () => {
  let browser: Browser;
  let host: Awaited<ReturnType<typeof stallingHost>>;
  const pools: PagePool[] = [];
  // One browser for the file; a pool's close() would close it, so tests close contexts only.
  const pool = (pagesPerContext: number) => {
    const p = new PagePool({ launch: async () => browser, blockResources: [], stepTimeoutMs: 5000, pagesPerContext });
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    host = await stallingHost();
  });
  afterAll(async () => {
    for (const res of host.stalled) res.destroy();
    host.server.closeAllConnections();
    host.server.close();
    await browser.close();
  });

  it('puts up to pagesPerContext workers in one context, sharing its session cookies', async () => {
    const p = pool(4);
    const pages = await Promise.all(Array.from({ length: 8 }, (_, i) => p.page(`w${i}`, session(1, 'one'))));
    expect(p.openContexts).toBe(2);
    expect(new Set(pages.map((x) => x.page.context())).size).toBe(2);
    for (const { page, version } of pages.slice(0, 2)) {
      await page.goto(`${host.url}/inventory`);
      expect(await page.textContent('#cookie')).toBe('sid=one');
      expect(version).toBe(1);
    }
    // A newer session reaches every lane of a shared context, once.
    const { page, version } = await p.page('w0', session(2, 'two'));
    await page.goto(`${host.url}/inventory`);
    expect(await page.textContent('#cookie')).toBe('sid=two');
    expect(version).toBe(2);
    expect((await p.page('w1', session(1, 'one'))).version).toBe(2);
    for (let i = 0; i < 8; i += 1) await p.recycle(`w${i}`);
    expect(p.openContexts).toBe(2); // clean recycles keep their contexts for the next lanes
  });

  it('gives a cleanly recycled lane its slot back', async () => {
    const p = pool(2);
    const a = await p.page('a', session(1, 'x'));
    await p.page('b', session(1, 'x'));
    await a.page.goto(`${host.url}/v/1`);
    await p.recycle('a');
    const again = await p.page('a', session(1, 'x'));
    expect(p.openContexts).toBe(1);
    expect(again.page.context()).toBe(a.page.context());
  });

  it('never lets stalled downloads starve a lane: their slots are burnt and the context closes with its last lane', async () => {
    const p = pool(CONNECTIONS_PER_HOST);
    const workers = Array.from({ length: CONNECTIONS_PER_HOST }, (_, i) => `stall-${i}`);
    const lanes = await Promise.all(workers.map((w) => p.page(w, session(1, 'x'))));
    const firstContext = lanes[0]!.page.context();
    expect(p.openContexts).toBe(1);
    // Every lane starts a download that stalls: all 6 connections of the context are taken.
    for (const { page } of lanes) {
      await page.goto(`${host.url}/v/${Math.random()}`);
      await Promise.all([page.waitForEvent('download'), page.click('#stall')]);
    }
    // The first five are recycled (as after a vehicle timeout): the context stays, for the sixth.
    for (const w of workers.slice(0, -1)) await p.recycle(w);
    expect(p.openContexts).toBe(1);
    // A rebuilt lane must not join the starved context: it gets a new one and loads at once.
    const fresh = await p.page(workers[0]!, session(1, 'x'));
    expect(fresh.page.context()).not.toBe(firstContext);
    // A starved context would never load it; a loaded machine may just be slow.
    const loaded = await fresh.page.goto(`${host.url}/after`, { timeout: 20_000 });
    expect(loaded?.ok()).toBe(true);
    // The last lane of the old context goes: the context closes and frees its stalled connections.
    await p.recycle(workers.at(-1)!);
    expect(p.openContexts).toBe(1);
    await expect(firstContext.newPage()).rejects.toThrow();
  }, 30_000);

  it('retires a context after its reuse limit: lanes move on between vehicles, and it closes', async () => {
    const p = new PagePool({ launch: async () => browser, blockResources: [], stepTimeoutMs: 5000, pagesPerContext: 2, contextReuseLimit: 3 });
    const first = await p.page('a', session(1, 'x'));
    await p.page('b', session(1, 'x'));
    await p.page('a', session(1, 'x')); // the third use: the context is spent
    const moved = await p.page('a', session(1, 'x'));
    expect(moved.page.context()).not.toBe(first.page.context());
    await moved.page.goto(`${host.url}/after-renewal`);
    expect(await moved.page.textContent('#cookie')).toBe('sid=x');
    expect(p.openContexts).toBe(2); // 'b' still has its page in the old one
    await p.page('b', session(1, 'x'));
    expect(p.openContexts).toBe(1);
    await expect(first.page.context().newPage()).rejects.toThrow();
    await p.recycle('a');
    await p.recycle('b');
  });

  it('collects the renderer garbage every gcEvery vehicles of a context', async () => {
    const p = new PagePool({ launch: async () => browser, blockResources: [], stepTimeoutMs: 5000, gcEvery: 2 });
    for (let i = 0; i < 5; i += 1) {
      const { page } = await p.page(i % 2 ? 'a' : 'b', session(1, 'x'));
      await page.goto(`${host.url}/v/${i}`);
    }
    expect(p.garbageCollections).toBe(2);
    await p.recycle('a');
    await p.recycle('b');
  });

  it('refuses more pages per context than Chromium has connections per host', () => {
    expect(() => new PagePool({ launch: async () => browser, blockResources: [], stepTimeoutMs: 1000, pagesPerContext: 7 })).toThrow(/1 to 6/);
    expect(() => new PagePool({ launch: async () => browser, blockResources: [], stepTimeoutMs: 1000, pagesPerContext: 0 })).toThrow(/1 to 6/);
    expect(() => new PagePool({ launch: async () => browser, blockResources: [], stepTimeoutMs: 1000, gcEvery: 0 })).toThrow(/gcEvery/);
  });
});
