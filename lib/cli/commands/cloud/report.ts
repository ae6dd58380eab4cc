import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../../core/errors.js';
import { parseOptions } from '../../config.js';
import { ExitCode } from '../../exit-codes.js';
import { fetchReport, openInBrowser, summaryLines } from '../../../ops/report.js';
import { resolveRun, unknownRunError } from '../../../ops/runs.js';
import { AwsOptionsSchema, output, RunIdOption, withStack } from './common.js';

const ReportOptionsSchema = AwsOptionsSchema.extend({
  run: RunIdOption,
  to: z.string().min(1, '--to must name a folder').optional(),
  open: z.boolean().default(false),
  json: z.boolean().default(false),
});

/** `fleetpdf cloud report`: a run's report from S3, saved locally, summarised; --open shows report.html. */
export async function cloudReportCommand(raw: Record<string, unknown>): Promise<number> {
  const options = parseOptions(ReportOptionsSchema, raw);
  const out = output();
  return withStack(options, async (ctx) => {
    const run = await resolveRun(ctx.clients.sfn, ctx.stateMachineArn, options.run);
    const dir = options.to ?? join('output', run.runId);
    const fetched = await fetchReport(ctx, run.runId, dir);
    if (!fetched) {
      const counts = await ctx.tracker.counts(run.runId);
      if (Object.values(counts).every((n) => n === 0) && !run.execution) throw unknownRunError(run.runId);
      const state = run.execution ? `its execution is ${run.execution.status}` : 'no recent execution of it was found';
      throw new InputError(`run ${run.runId} has no report yet (${state}): the Report state writes it when the run ends`);
    }
    for (const line of summaryLines(fetched.report)) out.line(line);
    out.line(`saved: ${fetched.jsonPath}${fetched.htmlPath ? ` and ${fetched.htmlPath}` : ''}`);
    if (options.json) process.stdout.write(fetched.json.endsWith('\n') ? fetched.json : `${fetched.json}\n`);
    if (options.open) {
      if (!fetched.htmlPath) throw new InputError(`run ${run.runId} has no report.html (only report.json): nothing to open`);
      const problem = await openInBrowser(fetched.htmlPath);
      if (problem) out.line(problem);
      else out.line(`opened ${fetched.htmlPath}`);
    }
    return ExitCode.OK;
  });
}
