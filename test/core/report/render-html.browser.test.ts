import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../../lib/browser/launch.js';
import { renderReportHtml, type RunReport } from '../../../lib/core/report/index.js';
import { startDemoPortal, type DemoPortal } from '../../../lib/demo-portal/index.js';
import { tempDir } from '../../helpers/fixtures.js';
import { runAgainst } from '../../../harness/test-job.js';
import { fixtureReport } from './fixture-report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const BASELINE = join(HERE, '__screenshots__', 'report.png');
const DOCS_COPY = join(HERE, '..', '..', '..', 'docs', 'report.png');
/** Share of pixels allowed to differ (font hinting, antialiasing) before the look counts as changed. */
const MAX_DIFF_RATIO = 0.001;

interface Loaded {
  page: Page;
  requests: string[];
  errors: string[];
}

describe('report.html in the Chromium we ship', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  /** Open a page at a fixed size, recording every request and every console or page error. */
  async function open(load: (page: Page) => Promise<unknown>): Promise<Loaded> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await load(page);
    return { page, requests, errors };
  }

  describe('of a real local run against the demo portal, with 5xx failures and retries', () => {
    let portal: DemoPortal;
    let dir: ReturnType<typeof tempDir>;
    let report: RunReport;
    let loaded: Loaded;
    let htmlUrl: string;
    beforeAll(async () => {
      portal = await startDemoPortal({ vehicles: 16 });
      dir = tempDir();
      let done = 0;
      const result = await runAgainst(portal, dir.path, {
        workers: 4,
        maxAttempts: 2,
        // Failures of single vehicles, not an outage: keep the circuit breaker out of it.
        breakerMinSamples: 1000,
        // Half the run succeeds, then every PDF request answers 5xx: retries, then FAILED rows.
        onAttempt: (a) => {
          if (a.result === 'done' && ++done === 8) portal.setFaults('5xx=1');
        },
      });
      report = JSON.parse(readFileSync(join(result.folder, 'report.json'), 'utf8'));
      htmlUrl = pathToFileURL(join(result.folder, 'report.html')).href;
      loaded = await open((page) => page.goto(htmlUrl, { waitUntil: 'load' }));
    }, 90_000);
    afterAll(async () => {
      await loaded?.page.context().close();
      await portal?.close();
      dir?.cleanup();
    });

    it('is written next to report.json and renders with no console error and no request', async () => {
      expect(report.failed).toBeGreaterThan(0);
      expect(report.retries).toBeGreaterThan(0);
      expect(await loaded.page.title()).toBe(`fleetpdf run ${report.runId}`);
      expect(loaded.errors).toEqual([]);
      // The page itself, nothing else: no font, stylesheet, image or script fetched.
      expect(loaded.requests).toEqual([htmlUrl]);
      expect(await loaded.page.locator('svg.chart').count()).toBe(2);
    });

    it('shows the numbers of report.json', async () => {
      const shown = Object.fromEntries(
        await loaded.page.$$eval('[data-metric]', (els) => els.map((e) => [e.getAttribute('data-metric'), e.textContent ?? ''])),
      ) as Record<string, string>;
      const asNumber = (text: string | undefined) => Number(String(text).replaceAll(',', ''));
      for (const key of [
        'total_inventory',
        'succeeded',
        'failed',
        'skipped',
        'throughput_per_hour',
        'p50_seconds',
        'p95_seconds',
        'wrong_documents_rejected',
        'retries',
        'session_refreshes',
      ] as const) {
        expect(asNumber(shown[key]), key).toBe(report[key]);
      }
      expect(shown.status).toBe(report.status);
      expect(seconds(shown.runtime_seconds!)).toBeCloseTo(report.runtime_seconds, 0);
      expect(shown.in_dlq).toBe('\u2013');
      expect(await loaded.page.locator('[data-metric="failed"]').isVisible()).toBe(true);
    });

    it('lists every failed ref with its reason, and the reasons grouped with counts', async () => {
      const rows = await loaded.page.$$eval('#failed-refs tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
      expect(rows.map(([ref, reason]) => [ref, reason])).toEqual(report.failures.map((f) => [f.ref, f.reason]));
      const groups = await loaded.page.$$eval('#failure-reasons tbody tr', (trs) =>
        trs.map((tr) => [tr.cells[0]!.textContent ?? '', Number(tr.cells[1]!.textContent)] as const),
      );
      const expected = new Map<string, number>();
      for (const f of report.failures) expected.set(f.reason, (expected.get(f.reason) ?? 0) + 1);
      expect(new Map(groups)).toEqual(expected);
      expect(groups.reduce((n, [, c]) => n + c, 0)).toBe(report.failed);
    });

    it('charts every vehicle of the run over time, and each worker\'s share', async () => {
      const titles = await loaded.page.$$eval('#throughput svg g > title', (ts) => ts.map((t) => t.textContent ?? ''));
      const sum = (re: RegExp) => titles.reduce((n, t) => n + Number(t.match(re)?.[1] ?? NaN), 0);
      expect(sum(/(\d+) done/)).toBe(report.succeeded);
      expect(sum(/(\d+) failed/)).toBe(report.failed);
      const workers = await loaded.page.$$eval('#workers svg > g', (gs) => gs.map((g) => g.textContent ?? ''));
      expect(workers).toHaveLength(report.per_worker.length);
      for (const [i, w] of report.per_worker.entries()) expect(workers[i]).toContain(`${w.succeeded} done \u00b7 ${w.failed} failed`);
    });
  });

  it('looks like its baseline screenshot (fixed fixture report); UPDATE_SCREENSHOTS=1 rewrites it', async () => {
    const { page, requests, errors } = await open((p) => p.setContent(renderReportHtml(fixtureReport()), { waitUntil: 'load' }));
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      const shot = await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' });
      if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(BASELINE)) {
        mkdirSync(dirname(BASELINE), { recursive: true });
        writeFileSync(BASELINE, shot);
        copyFileSync(BASELINE, DOCS_COPY);
        console.warn(`report.html screenshot baseline written: ${BASELINE} (and ${DOCS_COPY})`);
        return;
      }
      const actual = PNG.sync.read(shot);
      const baseline = PNG.sync.read(readFileSync(BASELINE));
      expect(`${actual.width}x${actual.height}`, 'page size changed: UPDATE_SCREENSHOTS=1 if on purpose').toBe(
        `${baseline.width}x${baseline.height}`,
      );
      const diff = new PNG({ width: actual.width, height: actual.height });
      const changed = pixelmatch(actual.data, baseline.data, diff.data, actual.width, actual.height, { threshold: 0.1 });
      const ratio = changed / (actual.width * actual.height);
      if (ratio > MAX_DIFF_RATIO) {
        const out = join(tmpdir(), `fleetpdf-report-diff-${process.pid}.png`);
        writeFileSync(out, PNG.sync.write(diff));
        writeFileSync(out.replace(/diff/, 'actual'), shot);
        throw new Error(`${changed} pixels (${(ratio * 100).toFixed(2)}%) differ from ${BASELINE}; diff in ${out}`);
      }
    } finally {
      await page.context().close();
    }
  });
});

/** `4.3 s`, `2m 05s` or `1h 02m 03s` back to seconds. */
function seconds(text: string): number {
  const plain = text.match(/^([\d.]+) s$/);
  if (plain) return Number(plain[1]);
  const [h, m, s] = (text.match(/^(?:(\d+)h )?(\d+)m (\d+)s$/) ?? []).slice(1).map((v) => Number(v ?? 0));
  return (h ?? 0) * 3600 + (m ?? NaN) * 60 + (s ?? NaN);
}
