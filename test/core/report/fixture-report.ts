import type { TrackingRow } from '../../../lib/core/ports.js';
import { buildReport, type PerWorkerStats, type RunReport } from '../../../lib/core/report/index.js';
import { VehicleStatus } from '../../../lib/core/types.js';

/** Fixed start of the fixture run: the page (and its screenshot) must not depend on the clock. */
export const FIXTURE_T0 = Date.parse('2026-03-02T09:00:00.000Z');

/** Failures as a portal produces them, one with an HTML body in its message (escaping shows on the page). */
const FAILING: Record<number, { reason: string; error: string; attempts: number }> = {
  17: { reason: 'http_503', error: 'HTTP 503 on GET /vehicle/40213119/pdf', attempts: 3 },
  58: { reason: 'http_503', error: 'HTTP 503 on GET /vehicle/40213406/pdf', attempts: 3 },
  59: { reason: 'http_502', error: 'HTTP 502 on GET /vehicle/40213413/pdf', attempts: 3 },
  60: { reason: 'vehicle_timeout', error: 'vehicle 40213420 took longer than 60000 ms', attempts: 3 },
  123: {
    reason: 'not_pdf',
    error: 'expected a PDF, got text/html: <!DOCTYPE html><title>502 Bad Gateway</title><h1>Bad Gateway</h1>',
    attempts: 3,
  },
  181: { reason: 'wrong_vehicle', error: 'the PDF names ref 40214274, expected ref 40214267', attempts: 3 },
  190: { reason: 'http_503', error: 'HTTP 503 on GET /vehicle/40214330/pdf', attempts: 3 },
};

/**
 * A realistic finished run, built through buildReport from simulated tracking rows: 200 vehicles
 * on 8 workers, a pause while the circuit breaker was open, 7 failures, 3 skipped refs.
 * Deterministic (seeded), so report.html renders the same pixels every time.
 */
export function fixtureReport(): RunReport {
  const random = mulberry32(7);
  const rows: TrackingRow[] = [];
  const workers = new Map<string, PerWorkerStats>();
  const free = Array.from({ length: 8 }, (_, w) => ({ id: `w${w + 1}`, at: 2 + w * 0.3 }));
  let retries = 0;
  let end = 0;
  for (let i = 0; i < 200; i++) {
    free.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
    const worker = free[0]!;
    // The breaker held the run between 61 s and 73 s: nothing started, nothing finished.
    const start = worker.at >= 61 && worker.at < 73 ? 73 : worker.at;
    const seconds = 3 + random() * 4 + (random() < 0.05 ? 6 : 0);
    const finish = start + seconds;
    worker.at = finish + 0.1;
    end = Math.max(end, finish);
    const ref = String(40213000 + i * 7);
    const failing = FAILING[i];
    const retried = failing ? failing.attempts - 1 : random() < 0.06 ? 1 : 0;
    retries += retried;
    const tally = workers.get(worker.id) ?? { worker: worker.id, succeeded: 0, failed: 0, retries: 0, busy_seconds: 0 };
    tally.retries += retried;
    tally.busy_seconds = Math.round((tally.busy_seconds + seconds) * 10) / 10;
    const base = {
      runId: '2026-03-02-1',
      ref,
      vin: `1FTFW1E50NFA${String(10000 + i).padStart(5, '0')}`,
      attempts: 1 + retried,
      workerId: worker.id,
      startedAt: FIXTURE_T0 + Math.round(start * 1000),
      finishedAt: FIXTURE_T0 + Math.round(finish * 1000),
      updatedAt: FIXTURE_T0 + Math.round(finish * 1000),
    };
    if (failing) {
      tally.failed += 1;
      rows.push({ ...base, status: VehicleStatus.FAILED, lastError: failing.error, errorReason: failing.reason });
    } else {
      tally.succeeded += 1;
      rows.push({ ...base, status: VehicleStatus.DONE, bytes: 48_000 + i, sha256: `${i}`.padStart(64, '0'), storageKey: `${ref}.pdf` });
    }
    workers.set(worker.id, tally);
  }
  for (const [ref, reason] of [
    ['', 'empty ref on line 41'],
    ['40213007', 'duplicate of line 3'],
    ['../40213990', 'unsafe ref "../40213990": path separator'],
  ] as const) {
    rows.push({ runId: '2026-03-02-1', ref, status: VehicleStatus.SKIPPED, attempts: 0, lastError: reason, updatedAt: FIXTURE_T0 });
  }
  return buildReport({
    runId: '2026-03-02-1',
    profile: 'dealer-values',
    workers: 8,
    rows,
    counters: {
      retries,
      session_refreshes: 2,
      browser_restarts: 0,
      wrong_documents_rejected: 3,
      duplicates: 0,
      peak_rss_mb: 684.2,
      per_worker: [...workers.values()],
      breaker_opens: 1,
      concurrency_lowest: 6,
    },
    startedAt: FIXTURE_T0,
    finishedAt: FIXTURE_T0 + Math.ceil((end + 1) * 1000),
    status: 'completed',
    output: '/home/fleet/output/2026-03-02-1',
  });
}

/** Small seeded PRNG: the same sequence on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
