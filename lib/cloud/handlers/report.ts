import { S3Keys, type RunState } from '../../contracts/index.js';
import type { TrackingRow } from '../../core/ports.js';
import { buildReport, manifestCsv, renderReportHtml, reportCounters, type PerWorkerStats } from '../../core/report/index.js';
import { VehicleStatus } from '../../core/types.js';
import type { CloudRuntime } from '../runtime.js';

/** Last state: report.json, report.html and manifest.csv under runs/<runId>/, and a summary for the execution output. */
export function reportHandler(rt: CloudRuntime): (state: RunState) => Promise<RunState> {
  return async (state) => ({ ...state, report: await writeCloudReport(rt, state) });
}

/** Build the run's report from the tracking rows and the shared counters, and store it in S3. */
export async function writeCloudReport(rt: CloudRuntime, state: RunState): Promise<NonNullable<RunState['report']>> {
  const { aws, settings } = rt;
  const [rows, counters, dlq, session] = await Promise.all([
    aws.tracker.list(state.runId),
    aws.counters.get(state.runId),
    aws.queue.dlqDepth(),
    aws.sessionStore.get(),
  ]);
  const stalled = state.progress?.stalled === true;
  const pausedCause = state.pause?.gaveUp ? state.pause.cause : undefined;
  const workers = perWorker(rows);
  const report = buildReport({
    runId: state.runId,
    profile: settings.portalProfile.name,
    ...(settings.profileSource ? { profileSource: settings.profileSource } : {}),
    workers: workers.length,
    rows,
    counters: reportCounters(counters, {
      sessionRefreshes: Math.max(0, (session?.version ?? 0) - (state.login?.sessionVersion ?? 0)),
      // A Lambda's memory is CloudWatch's to report (the function's Max Memory Used).
      peakRssMb: 0,
      perWorker: workers,
    }),
    startedAt: state.startedAt,
    finishedAt: Date.now(),
    status: stalled || pausedCause ? 'stopped' : 'completed',
    stopReason: pausedCause ?? (stalled ? `stalled: nothing finished in ${state.progress?.idlePolls} polls` : undefined),
    output: `s3://${aws.documents.bucket}/${S3Keys.runPrefix(state.runId)}`,
    inDlq: dlq.visible,
    ...(state.enqueue?.selection ? { selection: state.enqueue.selection } : {}),
  });
  const reportKey = S3Keys.report(state.runId);
  const manifestKey = S3Keys.manifest(state.runId);
  await aws.documents.putText(reportKey, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  await aws.documents.putText(manifestKey, manifestCsv(rows), 'text/csv');
  await aws.documents.putText(S3Keys.reportHtml(state.runId), renderReportHtml(report), 'text/html; charset=utf-8');
  return {
    status: report.status,
    reportKey,
    manifestKey,
    succeeded: report.succeeded,
    failed: report.failed,
    inDlq: dlq.visible,
  };
}

/** In the cloud a "worker" is a Lambda container: group the DONE/FAILED rows by the container that finished them. */
function perWorker(rows: TrackingRow[]): PerWorkerStats[] {
  const byWorker = new Map<string, PerWorkerStats>();
  for (const row of rows) {
    if (!row.workerId || (row.status !== VehicleStatus.DONE && row.status !== VehicleStatus.FAILED)) continue;
    const stats = byWorker.get(row.workerId) ?? { worker: row.workerId, succeeded: 0, failed: 0, retries: 0, busy_seconds: 0 };
    if (row.status === VehicleStatus.DONE) stats.succeeded += 1;
    else stats.failed += 1;
    stats.retries += Math.max(0, row.attempts - 1);
    if (row.startedAt && row.finishedAt) stats.busy_seconds += (row.finishedAt - row.startedAt) / 1000;
    byWorker.set(row.workerId, stats);
  }
  return [...byWorker.values()];
}
