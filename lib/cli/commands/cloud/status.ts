import { z } from 'zod';
import { parseOptions } from '../../config.js';
import { ExitCode } from '../../exit-codes.js';
import { ProgressReporter, type ProgressSnapshot } from '../../progress.js';
import { resolveRun } from '../../../ops/runs.js';
import { assertKnownRun, formatRunStatus, readRunStatus, watchRunStatus, type CloudRunStatus } from '../../../ops/status.js';
import { AwsOptionsSchema, output, RunIdOption, untilInterrupted, wholeOption, withStack } from './common.js';

const StatusOptionsSchema = AwsOptionsSchema.extend({
  run: RunIdOption,
  watch: z.boolean().default(false),
  interval: wholeOption('--interval', 1, 3600).default(5),
  json: z.boolean().default(false),
});

/** `fleetpdf cloud status`: where a run stands, once or (--watch) until its execution ends. */
export async function cloudStatusCommand(raw: Record<string, unknown>): Promise<number> {
  const options = parseOptions(StatusOptionsSchema, raw);
  const out = output();
  return withStack(options, async (ctx) => {
    const run = await resolveRun(ctx.clients.sfn, ctx.stateMachineArn, options.run);
    const first = await readRunStatus(ctx, run);
    assertKnownRun(first);
    for (const line of formatRunStatus(first)) out.line(line);
    if (!options.watch) {
      if (options.json) printJson(first);
      return ExitCode.OK;
    }

    // The reporter redraws every 500 ms on a TTY; it reads the last poll, not AWS.
    let latest = first;
    const reporter = new ProgressReporter({ output: out, intervalSecs: options.interval, snapshot: async () => toSnapshot(latest) });
    reporter.start();
    const { result: last, interrupted } = await untilInterrupted((signal) =>
      watchRunStatus({
        ctx,
        run,
        intervalMs: options.interval * 1000,
        signal,
        onStatus: (status) => {
          for (const change of changes(latest, status)) out.line(change);
          latest = status;
        },
      }),
    ).finally(() => reporter.stop());
    for (const line of formatRunStatus(last)) out.line(line);
    if (options.json) printJson(last);
    return interrupted ? ExitCode.INTERRUPTED : ExitCode.OK;
  });
}

function toSnapshot(status: CloudRunStatus): ProgressSnapshot {
  const c = status.counts;
  return { total: status.total, done: c.DONE, failed: c.FAILED, skipped: c.SKIPPED, inFlight: c.IN_PROGRESS, retries: status.retries ?? 0 };
}

/** What the bar does not show: the execution's status and the DLQ, one line when they change. */
function changes(before: CloudRunStatus, after: CloudRunStatus): string[] {
  const lines: string[] = [];
  if (after.execution && after.execution.status !== before.execution?.status) lines.push(`execution ${after.execution.status}`);
  if (after.dlq.visible !== before.dlq.visible) lines.push(`DLQ now holds ${after.dlq.visible} messages`);
  return lines;
}

function printJson(status: CloudRunStatus): void {
  process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
}
