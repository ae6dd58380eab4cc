import { describe, expect, it } from 'vitest';
import { SessionExpiredError, ThrottledError, TransientError, VehicleFailedError } from '../../../lib/core/errors.js';
import { PathFetcher, type DirectFetch } from '../../../lib/core/pipeline/path-fetcher.js';
import type { DocumentFetcher } from '../../../lib/core/pipeline/run-job.js';
import type { FetchMode } from '../../../lib/core/portal/profile.js';
import { session } from '../../helpers/factories.js';

const PDF = Buffer.from('%PDF-1.7\n... a document ...\n%%EOF\n');
const HTML = Buffer.from('<!doctype html><html><head><title>Download centre</title></head></html>');

/** Two stand-in paths that record what was asked of them. */
function paths(direct: (ref: string) => Buffer | Error) {
  const calls = { direct: [] as string[], browser: [] as string[], recycled: [] as string[] };
  const directFetch: DirectFetch = async (vehicle) => {
    calls.direct.push(vehicle.ref);
    const answer = direct(vehicle.ref);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const browser: DocumentFetcher = {
    fetch: async (_worker, vehicle) => {
      calls.browser.push(vehicle.ref);
      return PDF;
    },
    recycle: async (worker) => {
      calls.recycled.push(worker);
    },
  };
  return { calls, directFetch, browser };
}

function fetcher(mode: FetchMode, direct: (ref: string) => Buffer | Error, extra: { giveUpAfterFallbacks?: number } = {}) {
  const p = paths(direct);
  const counters = { directDownloads: 0, browserDownloads: 0, directFallbacks: 0 };
  const lines: string[] = [];
  const f = new PathFetcher({
    mode,
    direct: p.directFetch,
    browser: p.browser,
    count: (deltas) => {
      counters.directDownloads += deltas.direct_downloads ?? 0;
      counters.browserDownloads += deltas.browser_downloads ?? 0;
      counters.directFallbacks += deltas.direct_fallbacks ?? 0;
    },
    log: (l) => lines.push(l),
    ...extra,
  });
  return { f, counters, lines, calls: p.calls };
}

describe('PathFetcher', () => {
  it('browser mode never touches the direct URL', async () => {
    const { f, calls, counters } = fetcher('browser', () => PDF);
    await f.fetch('w1', { ref: 'A' }, session(1));
    f.settled('A', true);
    expect(calls).toMatchObject({ direct: [], browser: ['A'] });
    expect(counters).toMatchObject({ directDownloads: 0, browserDownloads: 1, directFallbacks: 0 });
  });

  it('direct mode returns whatever came (verification judges it) and never opens a page', async () => {
    const { f, calls, counters } = fetcher('direct', (ref) => (ref === 'A' ? PDF : HTML));
    expect(await f.fetch('w1', { ref: 'A' }, session(1))).toBe(PDF);
    expect(await f.fetch('w1', { ref: 'B' }, session(1))).toBe(HTML);
    await expect(
      fetcher('direct', () => new VehicleFailedError('HTTP 404', 'not_found')).f.fetch('w1', { ref: 'C' }, session(1)),
    ).rejects.toBeInstanceOf(VehicleFailedError);
    f.settled('A', true);
    f.settled('B', false);
    expect(calls.browser).toEqual([]);
    expect(counters).toMatchObject({ directDownloads: 1, browserDownloads: 0, directFallbacks: 0 });
  });

  it('auto: a PDF from the direct URL is used as it is', async () => {
    const { f, calls, counters } = fetcher('auto', () => PDF);
    expect(await f.fetch('w1', { ref: 'A' }, session(1))).toBe(PDF);
    f.settled('A', true);
    expect(calls.browser).toEqual([]);
    expect(counters.directDownloads).toBe(1);
  });

  it('auto: a non-PDF answer, a 404 or a 403 sends that vehicle to its page, for its retries too', async () => {
    const answers: Record<string, Buffer | Error> = {
      html: HTML,
      missing: new VehicleFailedError('HTTP 404 on PDF of missing', 'not_found'),
      forbidden: new TransientError('HTTP 403 on PDF of forbidden', 'http_403'),
      good: PDF,
    };
    const { f, calls, counters, lines } = fetcher('auto', (ref) => answers[ref]!);
    for (const ref of Object.keys(answers)) expect(await f.fetch('w1', { ref }, session(1))).toBe(PDF);
    expect(calls.browser).toEqual(['html', 'missing', 'forbidden']);
    for (const ref of Object.keys(answers)) f.settled(ref, true);
    expect(counters).toMatchObject({ directDownloads: 1, browserDownloads: 3, directFallbacks: 3 });
    expect(lines[0]).toMatch(/direct download of html unusable \(got an HTML page \("Download centre"\)/);
    // A retry of a vehicle that fell back goes straight to its page.
    await f.fetch('w1', { ref: 'html' }, session(1));
    expect(calls.direct.filter((r) => r === 'html')).toHaveLength(1);
  });

  it('auto: 5xx, timeouts, 429 and ended sessions are the portal\'s state: thrown as they are, no fallback', async () => {
    for (const error of [
      new TransientError('HTTP 503 on PDF', 'http_503'),
      new TransientError('no answer within 20000 ms', 'timeout'),
      new ThrottledError('HTTP 429 on PDF', 1000),
      new SessionExpiredError('session ended', 1),
    ]) {
      const { f, calls, counters } = fetcher('auto', () => error);
      await expect(f.fetch('w1', { ref: 'A' }, session(1))).rejects.toBe(error);
      expect(calls.browser).toEqual([]);
      expect(counters.directFallbacks).toBe(0);
    }
  });

  it('auto: stops trying a direct URL that never gave a PDF, once, with a log line', async () => {
    const { f, calls, counters, lines } = fetcher('auto', () => HTML, { giveUpAfterFallbacks: 3 });
    for (let i = 1; i <= 6; i++) await f.fetch('w1', { ref: `R${i}` }, session(1));
    expect(calls.direct).toEqual(['R1', 'R2', 'R3']);
    expect(calls.browser).toEqual(['R1', 'R2', 'R3', 'R4', 'R5', 'R6']);
    expect(counters.directFallbacks).toBe(3);
    expect(lines.filter((l) => /gave no PDF in 3 tries/.test(l))).toHaveLength(1);
  });

  it('auto: keeps trying the direct URL when it has served PDFs before', async () => {
    const { f, calls } = fetcher('auto', (ref) => (ref === 'R1' ? PDF : HTML), { giveUpAfterFallbacks: 2 });
    for (let i = 1; i <= 5; i++) await f.fetch('w1', { ref: `R${i}` }, session(1));
    expect(calls.direct).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);
  });

  it('counts only stored documents, and forgets a failed attempt\'s path', async () => {
    const { f, counters } = fetcher('auto', () => PDF);
    await f.fetch('w1', { ref: 'A' }, session(1));
    f.settled('A', false);
    f.settled('A', true);
    expect(counters.directDownloads).toBe(0);
  });

  it('recycles a worker\'s page only when its last try used the page', async () => {
    const { f, calls } = fetcher('auto', (ref) => (ref === 'A' ? PDF : HTML));
    await f.fetch('w1', { ref: 'A' }, session(1));
    await f.fetch('w2', { ref: 'B' }, session(1));
    for (const worker of ['w1', 'w2', 'w3']) await f.recycle(worker);
    expect(calls.recycled).toEqual(['w2']);
  });
});
