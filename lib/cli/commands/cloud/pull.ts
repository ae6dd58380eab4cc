import { join } from 'node:path';
import { z } from 'zod';
import { thousands } from '../../../core/report/format.js';
import { parseOptions } from '../../config.js';
import { ExitCode } from '../../exit-codes.js';
import { ProgressReporter } from '../../progress.js';
import { pullRun, type PullProgress, type PullResult } from '../../../ops/pull.js';
import { resolveRun, unknownRunError } from '../../../ops/runs.js';
import { AwsOptionsSchema, output, RunIdOption, wholeOption, withStack } from './common.js';

const PullOptionsSchema = AwsOptionsSchema.extend({
  run: RunIdOption,
  to: z.string().min(1, '--to must name a folder').optional(),
  parallel: wholeOption('--parallel', 1, 64).default(8),
});

/** Errors listed one per line before the rest are counted. */
const ERRORS_SHOWN = 20;

/** `fleetpdf cloud pull`: a run's verified PDFs (and report files) into a local folder. */
export async function cloudPullCommand(raw: Record<string, unknown>): Promise<number> {
  const options = parseOptions(PullOptionsSchema, raw);
  const out = output();
  return withStack(options, async (ctx) => {
    const run = await resolveRun(ctx.clients.sfn, ctx.stateMachineArn, options.run);
    const dir = options.to ?? join('output', run.runId);
    let progress: PullProgress = { total: 0, downloaded: 0, alreadyThere: 0, failed: 0, inFlight: 0 };
    const reporter = new ProgressReporter({
      output: out,
      snapshot: async () => ({
        total: progress.total,
        done: progress.downloaded,
        failed: progress.failed,
        skipped: progress.alreadyThere,
        inFlight: progress.inFlight,
        retries: 0,
      }),
    });
    reporter.start();
    const result = await pullRun({
      ctx,
      runId: run.runId,
      dir,
      concurrency: options.parallel,
      onListed: (counts) => {
        if (counts.DONE > 0) out.line(`pulling ${thousands(counts.DONE)} PDFs of run ${run.runId} from s3://${ctx.documents.bucket}/runs/${run.runId}/ into ${dir}`);
      },
      onProgress: (p) => (progress = p),
    }).finally(() => reporter.stop());
    const tracked = Object.values(result.counts).reduce((a, b) => a + b, 0);
    if (tracked === 0) {
      if (!run.execution) throw unknownRunError(run.runId);
      out.line(`nothing to pull yet: run ${run.runId} has no tracking rows (execution ${run.execution.status})`);
      return ExitCode.OK;
    }
    for (const line of summary(result, tracked)) out.line(line);
    return result.errors.length > 0 ? ExitCode.VEHICLES_FAILED : ExitCode.OK;
  });
}

function summary(r: PullResult, tracked: number): string[] {
  const replaced = r.replaced ? ` (${thousands(r.replaced)} replaced a local copy that did not match)` : '';
  const lines = [
    `pulled ${thousands(r.downloaded)} PDFs${replaced}, ${thousands(r.alreadyThere)} already there, ${thousands(r.errors.length)} errors: ${r.dir}`,
  ];
  const c = r.counts;
  if (r.total < tracked) {
    lines.push(
      `${thousands(r.total)} of ${thousands(tracked)} vehicles are DONE; no PDF for ${thousands(c.PENDING)} pending, ` +
        `${thousands(c.IN_PROGRESS)} in progress, ${thousands(c.FAILED)} failed, ${thousands(c.SKIPPED)} skipped`,
    );
  }
  if (r.runFiles.length) lines.push(`also: ${r.runFiles.join(', ')}`);
  for (const error of r.errors.slice(0, ERRORS_SHOWN)) lines.push(`error: ${error.ref}: ${error.message}`);
  if (r.errors.length > ERRORS_SHOWN) lines.push(`... and ${r.errors.length - ERRORS_SHOWN} more errors`);
  if (r.errors.length) lines.push('run the same pull again to retry them (files already verified are kept)');
  return lines;
}
