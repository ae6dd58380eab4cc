import type { TrackingRow } from '../ports.js';
import { VehicleStatus } from '../types.js';
import type { RunTimeline } from './types.js';

/** Bucket widths a reader takes in at a glance; the first that keeps the chart to MAX_BUCKETS bars wins. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
const MAX_BUCKETS = 60;

export function bucketSeconds(runtimeSeconds: number): number {
  for (const step of STEPS) if (runtimeSeconds / step <= MAX_BUCKETS) return step;
  return Math.ceil(runtimeSeconds / MAX_BUCKETS / 3600) * 3600;
}

/**
 * DONE and FAILED rows per bucket of their finish time, from this session's start. Rows an
 * earlier session finished are left out, as the report's throughput leaves them out.
 */
export function buildTimeline(rows: TrackingRow[], startedAt: number, finishedAt: number): RunTimeline {
  const runtime = Math.max(0, (finishedAt - startedAt) / 1000);
  const bucket = bucketSeconds(runtime);
  const n = Math.max(1, Math.ceil(runtime / bucket));
  const succeeded = new Array<number>(n).fill(0);
  const failed = new Array<number>(n).fill(0);
  for (const row of rows) {
    const ok = row.status === VehicleStatus.DONE;
    if ((!ok && row.status !== VehicleStatus.FAILED) || row.finishedAt === undefined || row.finishedAt < startedAt) continue;
    // Clamped: a Lambda's clock may run a little ahead of the one that wrote finishedAt.
    const i = Math.min(n - 1, Math.floor((row.finishedAt - startedAt) / 1000 / bucket));
    if (ok) succeeded[i]! += 1;
    else failed[i]! += 1;
  }
  return { bucket_seconds: bucket, succeeded, failed };
}
