import { buildReport, manifestCsv, renderReportHtml, type PerWorkerStats } from '../core/report/index.js';
import type { TrackingRow } from '../core/ports.js';
import { VehicleStatus } from '../core/types.js';
import { S3Keys, type RunState } from './contracts.js';
import { cloudRuntime } from './runtime.js';

/** Build the run's report from the tracking rows and the shared counters, and store it in S3. */
export async function writeCloudReport(state: RunState): Promise<NonNullable<RunState['report']>> {
  const { aws, settings } = cloudRuntime();
  const [rows, counters, dlq, session] = await Promise.all([
    aws.tracker.list(state.runId),
    aws.counters.get(state.runId),
    aws.queue.dlqDepth(),
    aws.sessionStore.get(),
  ]);
  const stalled = state.progress?.stalled === true;
  const pausedCause = state.pause?.gaveUp ? state.pause.cause : undefined;
  const report = buildReport({
    runId: state.runId,
    profile: settings.profile.name,
    workers: perWorker(rows).length,
    rows,
    counters: {
      retries: counters.retries,
      session_refreshes: Math.max(0, (session?.version ?? 0) - (state.login?.sessionVersion ?? 0)),
      browser_restarts: counters.browser_restarts,
      wrong_documents_rejected: counters.wrong_documents_rejected,
      duplicates: counters.duplicates,
      peak_rss_mb: 0,
      per_worker: perWorker(rows),
    },
    startedAt: state.startedAt,
    finishedAt: Date.now(),
    status: stalled || pausedCause ? 'stopped' : 'completed',
    stopReason: pausedCause ?? (stalled ? `stalled: nothing finished in ${state.progress?.idlePolls} polls` : undefined),
    output: `s3://${aws.documents.bucket}/${S3Keys.runPrefix(state.runId)}`,
    inDlq: dlq.visible,
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
