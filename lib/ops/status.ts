import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import type { SqsQueueDepth } from '../adapters/aws/index.js';
import { StackOutput, type StatusCounts } from '../contracts/index.js';
import { compactDuration, thousands } from '../core/report/format.js';
import type { OpsContext } from './context.js';
import { unknownRunError, type RunExecution, type RunRef } from './runs.js';

/** Where a run stands: tracking counts, the stack's queue depths, its newest execution. */
export interface CloudRunStatus {
  runId: string;
  execution?: RunExecution;
  counts: StatusCounts;
  total: number;
  /** DONE + FAILED + SKIPPED. */
  finished: number;
  /** Retries counted by the downloaders (undefined when the stack has no session table output). */
  retries?: number;
  /** The vehicle queue and its DLQ (shared by every run of the stack). */
  queue: SqsQueueDepth;
  dlq: SqsQueueDepth;
  /** DONE + FAILED per hour since the execution started. */
  perHour?: number;
  /** Seconds until PENDING + IN_PROGRESS are done at that rate (RUNNING executions only). */
  etaSeconds?: number;
  at: Date;
}

/** One look at a run: five COUNT queries on the byStatus index, two GetQueueAttributes, the counters item, the execution. */
export async function readRunStatus(ctx: OpsContext, run: RunRef, now = new Date()): Promise<CloudRunStatus> {
  const [counts, queue, dlq, counters, execution] = await Promise.all([
    ctx.tracker.counts(run.runId),
    ctx.queue.depth(),
    ctx.queue.dlqDepth(),
    ctx.outputs.has(StackOutput.SESSION_TABLE_NAME) ? ctx.counters.get(run.runId) : undefined,
    run.execution ? refreshExecution(ctx, run.execution) : undefined,
  ]);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const status: CloudRunStatus = {
    runId: run.runId,
    counts,
    total,
    finished: counts.DONE + counts.FAILED + counts.SKIPPED,
    queue,
    dlq,
    at: now,
  };
  if (execution) status.execution = execution;
  if (counters) status.retries = counters.retries;
  const started = execution?.startDate?.getTime();
  if (started !== undefined) {
    const until = execution?.stopDate?.getTime() ?? now.getTime();
    const hours = (until - started) / 3_600_000;
    if (hours > 0) status.perHour = (counts.DONE + counts.FAILED) / hours;
    const left = counts.PENDING + counts.IN_PROGRESS;
    if (execution?.status === 'RUNNING' && status.perHour) status.etaSeconds = (left / status.perHour) * 3600;
  }
  return status;
}

/** A run id nobody knows: no tracking row and no execution. */
export function assertKnownRun(status: CloudRunStatus): void {
  if (status.total === 0 && !status.execution) throw unknownRunError(status.runId);
}

/** The run is over for a watcher: its execution ended, or (none known) nothing is left to do. */
export function isSettled(status: CloudRunStatus): boolean {
  if (status.execution) return status.execution.status !== 'RUNNING';
  return status.total > 0 && status.counts.PENDING + status.counts.IN_PROGRESS === 0;
}

/** Plain-ASCII lines for a terminal or a log. */
export function formatRunStatus(s: CloudRunStatus): string[] {
  const c = s.counts;
  const lines: string[] = [];
  const e = s.execution;
  if (e) {
    const since = e.startDate ? `, started ${utc(e.startDate)} (${compactDuration(((e.stopDate ?? s.at).getTime() - e.startDate.getTime()) / 1000)}${e.stopDate ? ' run time' : ' ago'})` : '';
    lines.push(`run ${s.runId}: execution ${e.status}${since}`);
  } else {
    lines.push(`run ${s.runId}: no recent execution found`);
  }
  if (s.total === 0) {
    lines.push('  no vehicles tracked yet (the execution is logging in or exporting the inventory)');
  } else {
    const percent = ((s.finished / s.total) * 100).toFixed(1);
    lines.push(
      `  ${thousands(s.finished)} of ${thousands(s.total)} finished (${percent}%): ${thousands(c.DONE)} done, ${thousands(c.FAILED)} failed, ${thousands(c.SKIPPED)} skipped; ` +
        `${thousands(c.PENDING)} pending, ${thousands(c.IN_PROGRESS)} in progress`,
    );
  }
  const rate = s.perHour === undefined ? 'rate unknown' : `${thousands(Math.round(s.perHour))}/h since the execution started`;
  const eta = s.etaSeconds === undefined ? '' : `, ETA ${compactDuration(s.etaSeconds)}`;
  const retries = s.retries === undefined ? '' : `; ${thousands(s.retries)} retries`;
  lines.push(`  ${rate}${eta}${retries}`);
  const dlqHint = s.dlq.visible > 0 ? ' (after fixing the cause: fleetpdf cloud redrive)' : '';
  lines.push(`  queue (all runs): ${thousands(s.queue.visible)} waiting, ${thousands(s.queue.inFlight)} in flight; DLQ: ${thousands(s.dlq.visible)}${dlqHint}`);
  return lines;
}

/**
 * Read the run's status every `intervalMs` and hand it to `onStatus`, until the run settles
 * (see isSettled) or `signal` aborts. Returns the last status.
 */
export async function watchRunStatus(options: {
  ctx: OpsContext;
  run: RunRef;
  intervalMs: number;
  signal?: AbortSignal;
  onStatus: (status: CloudRunStatus) => void;
}): Promise<CloudRunStatus> {
  const { ctx, run, intervalMs, signal, onStatus } = options;
  for (;;) {
    const status = await readRunStatus(ctx, run);
    onStatus(status);
    if (isSettled(status) || signal?.aborted) return status;
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch {
      return status;
    }
  }
}

async function refreshExecution(ctx: OpsContext, execution: RunExecution): Promise<RunExecution> {
  const out = await ctx.clients.sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
  const fresh: RunExecution = { ...execution, status: out.status ?? execution.status };
  if (out.startDate) fresh.startDate = out.startDate;
  if (out.stopDate) fresh.stopDate = out.stopDate;
  return fresh;
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
