import { z } from 'zod';
import { thousands } from '../../../core/report/format.js';
import { parseOptions } from '../../config.js';
import { ExitCode } from '../../exit-codes.js';
import { readRefsFile } from '../../../ops/refs-file.js';
import { buildRunInput, startRun } from '../../../ops/start.js';
import { AwsOptionsSchema, output, RunIdOption, wholeOption, withStack } from './common.js';

const StartOptionsSchema = AwsOptionsSchema.extend({
  refs: z.string().min(1, '--refs must name a file').optional(),
  limit: wholeOption('--limit', 1, 10_000_000).optional(),
  run: RunIdOption,
  json: z.boolean().default(false),
});

/** `fleetpdf cloud start`: check the input, then StartExecution of the stack's state machine. */
export async function cloudStartCommand(raw: Record<string, unknown>): Promise<number> {
  const options = parseOptions(StartOptionsSchema, raw);
  // The whole input is checked before any AWS call: a bad refs file starts nothing.
  const refs = options.refs ? await readRefsFile(options.refs) : undefined;
  const input = buildRunInput({ runId: options.run, refs, limit: options.limit });
  const out = output();
  return withStack(options, async (ctx) => {
    const started = await startRun(ctx.clients.sfn, ctx.stateMachineArn, input);
    const scope = refs ? `${thousands(refs.length)} refs` : 'the whole inventory';
    const limit = input.limit ? `, at most ${thousands(input.limit)}` : '';
    out.line(`started run ${started.runId} (${scope}${limit}) on stack ${ctx.stackName}`);
    out.line(`execution: ${started.executionArn}`);
    out.line(`console:   ${started.consoleUrl}`);
    out.line(`follow it: fleetpdf cloud status --run ${started.runId} --watch`);
    if (options.json) {
      const { runId, executionArn, executionName, consoleUrl, startDate } = started;
      process.stdout.write(`${JSON.stringify({ runId, executionArn, executionName, consoleUrl, startDate: startDate.toISOString(), input }, null, 2)}\n`);
    }
    return ExitCode.OK;
  });
}
