import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { InputError } from '../core/errors.js';
import { newRunId, RunInputSchema, type RunInput } from '../contracts/index.js';
import { awsErrorName } from '../adapters/aws/aws-errors.js';
import { consoleUrl, executionName } from './runs.js';

/** Step Functions refuses an execution input above 256 KiB. */
export const MAX_EXECUTION_INPUT_BYTES = 256 * 1024;

export interface StartedRun {
  runId: string;
  executionArn: string;
  executionName: string;
  startDate: Date;
  consoleUrl: string;
  input: RunInput;
}

/**
 * The execution input, checked with the state machine's own schema. A run id is always set
 * (a new one unless given), so the run is known the moment it starts.
 */
export function buildRunInput(options: { runId?: string; refs?: string[]; limit?: number }): RunInput {
  const raw: Record<string, unknown> = { runId: options.runId ?? newRunId() };
  if (options.refs) raw.refs = options.refs;
  if (options.limit !== undefined) raw.limit = options.limit;
  const parsed = RunInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const option = { runId: '--run', refs: '--refs', limit: '--limit' }[String(issue.path[0])] ?? 'input';
    throw new InputError(`${option}: ${issue.message.replace(/^runId: /, '')}`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(parsed.data));
  if (bytes > MAX_EXECUTION_INPUT_BYTES) {
    throw new InputError(
      `the execution input would be ${Math.ceil(bytes / 1024)} KiB and Step Functions takes at most 256 KiB: ` +
        `split the --refs file (${parsed.data.refs?.length ?? 0} refs) into smaller ones`,
    );
  }
  return parsed.data;
}

/** StartExecution of the run state machine, named after the run. */
export async function startRun(sfn: SFNClient, stateMachineArn: string, input: RunInput, now = new Date()): Promise<StartedRun> {
  const runId = input.runId!;
  const name = executionName(runId, now);
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    const executionArn = out.executionArn!;
    return { runId, executionArn, executionName: name, startDate: out.startDate ?? now, consoleUrl: consoleUrl(executionArn), input };
  } catch (error) {
    const errorName = awsErrorName(error);
    if (errorName === 'ExecutionAlreadyExists') throw new InputError(`run ${runId} was started this very second already (execution ${name}): wait a second`);
    if (errorName === 'StateMachineDoesNotExist') throw new InputError(`the stack's state machine ${stateMachineArn} does not exist: redeploy the stack (npx cdk deploy)`);
    throw error;
  }
}
