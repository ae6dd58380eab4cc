import { describe, expect, it } from 'vitest';
import type { TrackingRow } from '../../../lib/core/ports.js';
import { buildReport, formatSummary, manifestCsv, type ReportCounters } from '../../../lib/core/report/index.js';
import { VehicleStatus } from '../../../lib/core/types.js';
import { assignFileNames, fileNameFor, refHash } from '../../../lib/core/file-name.js';
import { refusedLineKey } from '../../../lib/core/row-key.js';

const T0 = Date.parse('2026-01-05T10:00:00.000Z');
const counters: ReportCounters = {
  retries: 7,
  session_refreshes: 2,
  browser_restarts: 1,
  wrong_documents_rejected: 3,
  duplicates: 1,
  peak_rss_mb: 612.345,
  per_worker: [
    { worker: 'w10', succeeded: 1, failed: 0, retries: 0, busy_seconds: 3 },
    { worker: 'w2', succeeded: 2, failed: 1, retries: 7, busy_seconds: 9.5 },
  ],
};

function row(ref: string, status: TrackingRow['status'], extra: Partial<TrackingRow> = {}): TrackingRow {
  return { runId: 'r1', ref, status, attempts: 0, updatedAt: T0, ...extra };
}

const done = (ref: string, startS: number, seconds: number): TrackingRow =>
  row(ref, VehicleStatus.DONE, {
    attempts: 1,
    bytes: 1000,
    sha256: `sha-${ref}`,
    storageKey: `${ref}.pdf`,
    startedAt: T0 + startS * 1000,
    finishedAt: T0 + (startS + seconds) * 1000,
  });

const rows: TrackingRow[] = [
  done('10', 0, 2),
  done('2', 1, 4),
  done('3', 2, 1),
  row('4', VehicleStatus.FAILED, { attempts: 3, lastError: 'PDF is for ref 9, expected ref 4', errorReason: 'wrong_vehicle' }),
  row('5', VehicleStatus.FAILED, { attempts: 3, lastError: 'timed out', errorReason: 'timeout' }),
  row('6', VehicleStatus.FAILED, { attempts: 3, lastError: 'timed out', errorReason: 'timeout' }),
  row('7', VehicleStatus.SKIPPED, { lastError: 'invalid VIN "X"' }),
  row('8', VehicleStatus.PENDING, { attempts: 1, lastError: 'HTTP 503' }),
  row('9', VehicleStatus.PENDING),
  row('11', VehicleStatus.IN_PROGRESS, { startedAt: T0 + 5000 }),
];

describe('buildReport', () => {
  const report = buildReport({
    runId: 'r1',
    profile: 'dealer-values',
    workers: 2,
    rows,
    counters,
    startedAt: T0,
    finishedAt: T0 + 60_000,
    status: 'stopped',
    stopReason: 'interrupted',
    output: '/out/2026-01-05-1',
  });

  it('has exactly the DESIGN.md fields plus status, timing and what is left', () => {
    expect(Object.keys(report).sort()).toEqual(
      [
        'runId', 'profile', 'total_inventory', 'attempted', 'succeeded', 'failed', 'skipped', 'success_rate',
        'runtime_seconds', 'wall_seconds_per_finished_vehicle', 'throughput_per_hour', 'workers', 'retries',
        'session_refreshes', 'browser_restarts', 'wrong_documents_rejected', 'duplicates', 'peak_rss_mb',
        'per_worker', 'failures', 'status', 'stop_reason', 'started_at', 'finished_at', 'output', 'pending',
        'p50_seconds', 'p95_seconds', 'skipped_refs', 'timeline',
      ].sort(),
    );
  });

  it('derives the counts from the rows, and they add up to the inventory', () => {
    expect(report).toMatchObject({
      total_inventory: 10,
      succeeded: 3,
      failed: 3,
      skipped: 1,
      attempted: 8,
      pending: ['8', '9', '11'],
      status: 'stopped',
      stop_reason: 'interrupted',
      started_at: '2026-01-05T10:00:00.000Z',
      finished_at: '2026-01-05T10:01:00.000Z',
      output: '/out/2026-01-05-1',
    });
    expect(report.succeeded + report.failed + report.skipped + report.pending.length).toBe(report.total_inventory);
  });

  it('computes rate, runtime, throughput and percentiles', () => {
    expect(report.success_rate).toBe(0.3333);
    expect(report.runtime_seconds).toBe(60);
    // Rates measure vehicles finished (3 DONE + 3 FAILED) in 60 s of wall time, not successes only.
    expect(report.wall_seconds_per_finished_vehicle).toBe(10);
    expect(report.throughput_per_hour).toBe(360);
    expect(report.p50_seconds).toBe(2);
    expect(report.p95_seconds).toBe(4);
  });

  it('copies the counters and lists failures and skips by ref', () => {
    expect(report).toMatchObject({
      workers: 2,
      retries: 7,
      session_refreshes: 2,
      browser_restarts: 1,
      wrong_documents_rejected: 3,
      duplicates: 1,
      peak_rss_mb: 612.3,
    });
    expect(report.per_worker.map((w) => w.worker)).toEqual(['w2', 'w10']);
    expect(report.failures).toEqual([
      { ref: '4', reason: 'wrong_vehicle', error: 'PDF is for ref 9, expected ref 4', attempts: 3 },
      { ref: '5', reason: 'timeout', error: 'timed out', attempts: 3 },
      { ref: '6', reason: 'timeout', error: 'timed out', attempts: 3 },
    ]);
    expect(report.skipped_refs).toEqual([{ ref: '7', reason: 'invalid VIN "X"' }]);
  });

  it('counts only this session\'s downloads in the throughput of a resumed run', () => {
    const resumed = buildReport({
      runId: 'r1', profile: 'p', workers: 1, counters, status: 'completed', output: 'o',
      rows: [done('1', -3600, 1), done('2', 10, 1)],
      startedAt: T0, finishedAt: T0 + 36_000,
    });
    expect(resumed.succeeded).toBe(2);
    expect(resumed.throughput_per_hour).toBe(100);
    expect(resumed.stop_reason).toBeUndefined();
    expect('stop_reason' in resumed).toBe(false);
  });

  it('takes a row\'s durationMs, when the tracker keeps one, over its start and finish times', () => {
    const timed = { ...done('1', 0, 30), durationMs: 1500 };
    const report = buildReport({
      runId: 'r', profile: 'p', workers: 1, counters, status: 'completed', output: 'o',
      rows: [timed], startedAt: T0, finishedAt: T0 + 60_000,
    });
    expect(report.p50_seconds).toBe(1.5);
  });

  it('counts this session\'s DONE and FAILED rows per time bucket, for the report.html chart', () => {
    // 60 s of run: 1 s buckets. Row 10 finished at 2 s, 3 at 3 s, 2 at 5 s; the FAILED rows have no finish time.
    expect(report.timeline?.bucket_seconds).toBe(1);
    expect(report.timeline?.succeeded).toHaveLength(60);
    expect(report.timeline?.succeeded.slice(0, 6)).toEqual([0, 0, 1, 1, 0, 1]);
    expect(report.timeline?.failed.every((n) => n === 0)).toBe(true);
    const long = buildReport({
      runId: 'r', profile: 'p', workers: 1, counters, status: 'completed', output: 'o',
      rows: [
        done('1', -3600, 1),
        done('2', 100, 5),
        row('3', VehicleStatus.FAILED, { attempts: 3, errorReason: 'timeout', finishedAt: T0 + 1_799_000 }),
      ],
      startedAt: T0, finishedAt: T0 + 1_800_000,
    });
    // 30 min: 30 s buckets (at most 60); the earlier session's row is not this session's throughput.
    expect(long.timeline).toMatchObject({ bucket_seconds: 30 });
    expect(long.timeline?.succeeded.reduce((a, b) => a + b)).toBe(1);
    expect(long.timeline?.succeeded[3]).toBe(1);
    expect(long.timeline?.failed[59]).toBe(1);
  });

  it('adds in_dlq only when the caller knows it (a cloud run)', () => {
    expect('in_dlq' in report).toBe(false);
    const cloud = buildReport({
      runId: 'r', profile: 'p', workers: 1, counters, status: 'completed', output: 'o',
      rows: [], startedAt: T0, finishedAt: T0 + 1000, inDlq: 4,
    });
    expect(cloud.in_dlq).toBe(4);
  });

  it('reports zeros, not NaN, for an empty or all-skipped run', () => {
    const empty = buildReport({
      runId: 'r', profile: 'p', workers: 1, counters, status: 'failed', output: 'o',
      rows: [row('1', VehicleStatus.SKIPPED, { lastError: 'empty ref' })],
      startedAt: T0, finishedAt: T0,
    });
    expect(empty).toMatchObject({ success_rate: 0, wall_seconds_per_finished_vehicle: 0, throughput_per_hour: 0, p50_seconds: 0, p95_seconds: 0, attempted: 0 });
  });
});

describe('manifestCsv', () => {
  it('writes one escaped line per row ordered by ref', () => {
    const csv = manifestCsv([
      row('b,2', VehicleStatus.FAILED, { attempts: 3, lastError: 'said "no", then\nleft' }),
      done('10', 0, 1),
      row('2', VehicleStatus.DONE, { attempts: 2, bytes: 5, sha256: 'abc', lastError: 'an earlier attempt failed' }),
      row(refusedLineKey(9, '7'), VehicleStatus.SKIPPED, { lastError: 'line 9: duplicate ref, first on line 3' }),
      row('7', VehicleStatus.DONE, { attempts: 1, bytes: 9, sha256: 'def', file: '7.pdf' }),
    ]);
    expect(csv).toBe(
      [
        'ref,file,status,bytes,sha256,attempts,error',
        '2,2.pdf,DONE,5,abc,2,',
        '7,7.pdf,DONE,9,def,1,',
        '7,,SKIPPED,,,0,"line 9: duplicate ref, first on line 3"',
        '10,10.pdf,DONE,1000,sha-10,1,',
        `"b,2",${fileNameFor('b,2')},FAILED,,,3,"said ""no"", then\nleft"`,
        '',
      ].join('\n'),
    );
  });

  it('writes each awkward ref exactly, beside its file name', () => {
    const refs = [' STK 0099 ', 'STK-0007/B', 'STK-0150\u00c4', '=cmd', 'stk-1', 'STK-1'];
    const names = assignFileNames(refs);
    const csv = manifestCsv(refs.map((ref) => row(ref, VehicleStatus.DONE, { attempts: 1, bytes: 1, sha256: 's', file: names.get(ref)! })));
    const lines = csv.trim().split('\n').slice(1);
    expect(lines).toContain(`" STK 0099 ",STK_0099~${refHash(' STK 0099 ')}.pdf,DONE,1,s,1,`);
    expect(lines).toContain(`STK-0007/B,STK-0007_B~${refHash('STK-0007/B')}.pdf,DONE,1,s,1,`);
    expect(lines).toContain(`STK-0150\u00c4,STK-0150A~${refHash('STK-0150\u00c4')}.pdf,DONE,1,s,1,`);
    expect(lines).toContain(`stk-1,stk-1~${refHash('stk-1')}.pdf,DONE,1,s,1,`);
    expect(lines).toContain(`STK-1,STK-1~${refHash('STK-1')}.pdf,DONE,1,s,1,`);
    // A formula-looking ref is shown as text (a leading quote), and its file name does not look like one.
    expect(lines).toContain(`'=cmd,cmd~${refHash('=cmd')}.pdf,DONE,1,s,1,`);
  });

  it('writes the header alone for no rows', () => {
    expect(manifestCsv([])).toBe('ref,file,status,bytes,sha256,attempts,error\n');
  });
});

describe('formatSummary', () => {
  it('is 8 to 12 lines of plain ASCII with the numbers that matter', () => {
    const report = buildReport({
      runId: '2026-01-05-1', profile: 'dealer-values', workers: 4, counters, status: 'completed',
      rows, startedAt: T0, finishedAt: T0 + 125_000, output: '/home/j\u00fcrgen/output/2026-01-05-1',
    });
    const summary = formatSummary(report);
    const lines = summary.split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(summary).toMatch(/^[\x20-\x7e\n]*$/);
    expect(summary).toContain('Run 2026-01-05-1 (dealer-values): completed');
    expect(summary).toContain('Done 3 of 10, failed 3, skipped 1, not finished 3');
    expect(summary).toContain('Success rate 33.3%');
    // 6 finished (3 DONE + 3 FAILED) in 125 s; the per-vehicle figure says it is wall time.
    expect(summary).toContain('Runtime 2m 05s, 173 vehicles finished per hour, 20.83 s wall time per finished vehicle');
    expect(summary).toMatch(/attempt time p50 \d/);
    expect(summary).toContain('Retries 7, session refreshes 2');
    expect(summary).toContain('Wrong documents rejected 3');
    expect(summary).toContain('Failures: timeout x2, wrong_vehicle x1');
    expect(summary).toContain('Skipped: invalid VIN x1');
    expect(summary).toContain('Files: /home/jurgen/output/2026-01-05-1');
  });

  it('groups skip reasons by kind, not by line', () => {
    const skipped = (line: number, reason: string) => row(refusedLineKey(line, `r${line}`), VehicleStatus.SKIPPED, { lastError: `line ${line}: ${reason}` });
    const report = buildReport({
      runId: 'r', profile: 'p', workers: 1, counters, status: 'completed', startedAt: T0, finishedAt: T0 + 1000, output: 'o',
      rows: [
        skipped(20, 'unsafe ref "a\\tb": contains a control character'),
        skipped(44, 'unsafe ref "c\\nd": contains a control character'),
        skipped(45, 'unsafe ref "x": longer than 200 characters (201)'),
        skipped(52, 'duplicate ref, first on line 7'),
        skipped(53, 'duplicate ref, first on line 8'),
        skipped(60, 'invalid VIN "NOPE"'),
        skipped(61, 'empty ref'),
      ],
    });
    expect(formatSummary(report)).toContain('Skipped: unsafe ref x3, duplicate ref x2, empty ref x1, 1 more');
    expect(report.skipped_refs.map((s) => s.ref)).toEqual(['r20', 'r44', 'r45', 'r52', 'r53', 'r60', 'r61']);
  });

  it('under --limit counts only the selected vehicles and says how many the inventory had', () => {
    const report = buildReport({
      runId: 'r', profile: 'p', workers: 1, counters, status: 'completed', startedAt: T0, finishedAt: T0 + 1000, output: 'o',
      rows: [done('1', 0, 1), done('2', 0, 1), done('3', 0, 1), done('4', 0, 1), done('5', 0, 1)],
      selection: { limit: 5, inventory: 9 },
    });
    expect(report).toMatchObject({ total_inventory: 5, succeeded: 5, skipped: 0, selection: { limit: 5, inventory: 9 } });
    expect(formatSummary(report)).toContain('Done 5 of 5, failed 0, skipped 0 (--limit 5 of 9 in the inventory)');
  });

  it('names the stop reason of a stopped run', () => {
    const report = buildReport({
      runId: 'r', profile: 'p', workers: 1, counters, status: 'stopped', stopReason: 'login_rejected',
      rows: [], startedAt: T0, finishedAt: T0 + 1000, output: 'o',
    });
    expect(formatSummary(report).split('\n')[0]).toBe('Run r (p): stopped (login_rejected)');
  });
});
