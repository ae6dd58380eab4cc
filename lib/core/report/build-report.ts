import type { TrackingRow } from '../ports.js';
import { shownRef } from '../row-key.js';
import { VehicleStatus } from '../types.js';
import { buildTimeline } from './timeline.js';
import type { FailureEntry, ReportCounters, RunReport, RunStatus, SkippedEntry } from './types.js';

export interface BuildReportInput {
  runId: string;
  profile: string;
  /** The user's profile file (absolute path and sha256), when the profile came from one. */
  profileSource?: { file: string; sha256: string };
  workers: number;
  /** Every tracking row of the run. */
  rows: TrackingRow[];
  counters: ReportCounters;
  /** Epoch ms of this session's start and end. */
  startedAt: number;
  finishedAt: number;
  status: RunStatus;
  stopReason?: string;
  output: string;
  /** Messages in the dead-letter queue (cloud runs; a local run has no DLQ). */
  inDlq?: number;
  /** What `--limit` selected (LoadedInventory.selection), when it did. */
  selection?: { limit: number; inventory: number };
}

const byRef = (a: { ref: string }, b: { ref: string }): number => compareRefs(a.ref, b.ref);

/** Refs in natural order (`2` before `10`), the same on every machine. */
export function compareRefs(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The run report: counts and timings derived from the tracking rows, plus what the run counted. */
export function buildReport(input: BuildReportInput): RunReport {
  const { rows, counters } = input;
  let succeeded = 0;
  let failed = 0;
  let skipped = 0;
  let attempted = 0;
  let finishedThisSession = 0;
  const pending: string[] = [];
  const failures: FailureEntry[] = [];
  const skippedRefs: SkippedEntry[] = [];
  const durations: number[] = [];

  for (const row of rows) {
    switch (row.status) {
      case VehicleStatus.SKIPPED:
        skipped++;
        skippedRefs.push({ ref: shownRef(row.ref), reason: row.lastError ?? row.errorReason ?? 'skipped' });
        continue;
      case VehicleStatus.DONE:
        succeeded++;
        // A resumed run's earlier sessions did their own work; rows without times count as this session's.
        if (row.finishedAt === undefined || row.finishedAt >= input.startedAt) finishedThisSession++;
        {
          // The attempt's own duration when the tracker keeps it, else the row's start-to-finish.
          const ms =
            (row as TrackingRow & { durationMs?: number }).durationMs ??
            (row.startedAt !== undefined && row.finishedAt !== undefined ? row.finishedAt - row.startedAt : undefined);
          if (ms !== undefined && ms >= 0) durations.push(ms / 1000);
        }
        break;
      case VehicleStatus.FAILED:
        failed++;
        // A FAILED vehicle is finished too: rates measure vehicles finished, not only successes.
        if (row.finishedAt === undefined || row.finishedAt >= input.startedAt) finishedThisSession++;
        failures.push({
          ref: row.ref,
          ...(row.file !== undefined ? { file: row.file } : {}),
          reason: row.errorReason ?? 'unknown',
          error: row.lastError ?? '',
          attempts: row.attempts,
        });
        break;
      default:
        pending.push(row.ref);
    }
    const tried =
      row.status === VehicleStatus.DONE ||
      row.status === VehicleStatus.FAILED ||
      row.status === VehicleStatus.IN_PROGRESS ||
      row.attempts > 0 ||
      row.startedAt !== undefined;
    if (tried) attempted++;
  }

  const runtime = Math.max(0, (input.finishedAt - input.startedAt) / 1000);
  const downloadable = rows.length - skipped;
  durations.sort((a, b) => a - b);
  return {
    runId: input.runId,
    profile: input.profile,
    ...(input.profileSource ? { profile_source: { ...input.profileSource } } : {}),
    status: input.status,
    ...(input.stopReason !== undefined ? { stop_reason: input.stopReason } : {}),
    started_at: new Date(input.startedAt).toISOString(),
    finished_at: new Date(input.finishedAt).toISOString(),
    output: input.output,
    total_inventory: rows.length,
    ...(input.selection !== undefined ? { selection: input.selection } : {}),
    attempted,
    succeeded,
    failed,
    skipped,
    pending: pending.sort(compareRefs),
    success_rate: downloadable > 0 ? round(succeeded / downloadable, 4) : 0,
    runtime_seconds: round(runtime, 1),
    wall_seconds_per_finished_vehicle: finishedThisSession > 0 ? round(runtime / finishedThisSession, 3) : 0,
    throughput_per_hour: runtime > 0 ? round((finishedThisSession / runtime) * 3600, 1) : 0,
    p50_seconds: round(percentile(durations, 0.5), 3),
    p95_seconds: round(percentile(durations, 0.95), 3),
    workers: input.workers,
    retries: counters.retries,
    session_refreshes: counters.session_refreshes,
    browser_restarts: counters.browser_restarts,
    wrong_documents_rejected: counters.wrong_documents_rejected,
    duplicates: counters.duplicates,
    peak_rss_mb: round(counters.peak_rss_mb, 1),
    per_worker: [...counters.per_worker].sort((a, b) => compareRefs(a.worker, b.worker)),
    ...(counters.breaker_opens !== undefined ? { breaker_opens: counters.breaker_opens } : {}),
    ...(counters.concurrency_lowest !== undefined ? { concurrency_lowest: counters.concurrency_lowest } : {}),
    ...(counters.direct_downloads !== undefined ? { direct_downloads: counters.direct_downloads } : {}),
    ...(counters.browser_downloads !== undefined ? { browser_downloads: counters.browser_downloads } : {}),
    ...(counters.direct_fallbacks !== undefined ? { direct_fallbacks: counters.direct_fallbacks } : {}),
    failures: failures.sort(byRef),
    skipped_refs: skippedRefs.sort(byRef),
    timeline: buildTimeline(rows, input.startedAt, input.finishedAt),
    ...(input.inDlq !== undefined ? { in_dlq: input.inDlq } : {}),
  };
}

/** Nearest-rank percentile of sorted values; 0 for none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
