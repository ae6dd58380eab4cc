import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type ExecutionListItem,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { InputError } from '../core/errors.js';
import { RunInputSchema } from '../contracts/index.js';

/**
 * Runs are found through the state machine's executions (ListExecutions lists the newest
 * first). Each execution belongs to one run id: the `runId` of its input (`fleetpdf cloud
 * start` always sets one), else of its output (a finished execution's state), else of the
 * Login state's output in its history (a console start with `{}` gets its id from Login).
 * The S3 `runs/` prefix is not used: a run writes nothing there before its first PDF, and
 * custom run ids do not sort by time.
 */

const RUN_ID = RunInputSchema.shape.runId.unwrap();

/** Executions `fleetpdf cloud start` names `<runId>_<UTC yyyymmddThhmmss>`: at most 64 + 1 + 15 = 80 characters, the service's limit. */
const NAME_STAMP = /_\d{8}T\d{6}$/;

/** Executions looked at when searching for a run id (one ListExecutions page). */
const SEARCH_EXECUTIONS = 100;
/** Of those, how many without a `fleetpdf cloud start` name are described to read their run id. */
const DESCRIBE_UNNAMED = 5;
/** History events read to find the Login state's output (it is among the first few). */
const HISTORY_EVENTS = 25;

export interface RunExecution {
  executionArn: string;
  name: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (or PENDING_REDRIVE). */
  status: string;
  startDate?: Date;
  stopDate?: Date;
}

/** A run, and the newest execution of it when one was found. */
export interface RunRef {
  runId: string;
  execution?: RunExecution;
}

/** The execution name `start` gives a run. */
export function executionName(runId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${runId}_${stamp}`;
}

/** `--run ID`, or the run of the newest execution. */
export async function resolveRun(sfn: SFNClient, stateMachineArn: string, runId: string | undefined): Promise<RunRef> {
  return runId === undefined ? latestRun(sfn, stateMachineArn) : findRun(sfn, stateMachineArn, runId);
}

/** The run of the state machine's newest execution. */
export async function latestRun(sfn: SFNClient, stateMachineArn: string): Promise<RunRef> {
  const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }));
  const newest = out.executions?.[0];
  if (!newest?.executionArn) throw new InputError('no runs yet: start one with "fleetpdf cloud start" (or Start execution in the console)');
  const execution = toRunExecution(newest);
  const runId = await runIdOfExecution(sfn, execution.executionArn);
  if (!runId) {
    throw new InputError(
      `the newest execution ${execution.name} (${execution.status}) has no run id yet (it is still logging in): try again in a moment, or pass --run ID`,
    );
  }
  return { runId, execution };
}

/** A run by id, with its newest execution among the recent ones when there is one (a run can outlive its executions' listing). */
export async function findRun(sfn: SFNClient, stateMachineArn: string, runId: string): Promise<RunRef> {
  const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: SEARCH_EXECUTIONS }));
  const recent = (out.executions ?? []).filter((e) => e.executionArn && e.name);
  const named = recent.find((e) => e.name!.replace(NAME_STAMP, '') === runId && NAME_STAMP.test(e.name!));
  if (named) return { runId, execution: toRunExecution(named) };
  for (const e of recent.filter((x) => !NAME_STAMP.test(x.name!)).slice(0, DESCRIBE_UNNAMED)) {
    if ((await runIdOfExecution(sfn, e.executionArn!)) === runId) return { runId, execution: toRunExecution(e) };
  }
  return { runId };
}

/** The run id an execution works on: from its input, its output, or Login's output in its history. */
export async function runIdOfExecution(sfn: SFNClient, executionArn: string): Promise<string | undefined> {
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const known = runIdIn(described.input) ?? runIdIn(described.output);
  if (known) return known;
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: HISTORY_EVENTS, reverseOrder: false }));
  for (const event of history.events ?? []) {
    const fromState = runIdIn(event.stateExitedEventDetails?.output);
    if (fromState) return fromState;
  }
  return undefined;
}

/** The one-line error for a run id that has no tracking row and no recent execution. */
export function unknownRunError(runId: string): InputError {
  return new InputError(`unknown run ${runId}: no tracking rows and no recent execution (fleetpdf cloud status shows the latest run)`);
}

/** The Step Functions console page of an execution. */
export function consoleUrl(executionArn: string): string {
  const [, partition = 'aws', , region = 'us-east-1'] = executionArn.split(':');
  const host =
    partition === 'aws-cn' ? `${region}.console.amazonaws.cn`
    : partition === 'aws-us-gov' ? `console.amazonaws-us-gov.com`
    : `${region}.console.aws.amazon.com`;
  return `https://${host}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

function toRunExecution(item: ExecutionListItem): RunExecution {
  const execution: RunExecution = { executionArn: item.executionArn!, name: item.name ?? '', status: item.status ?? 'UNKNOWN' };
  if (item.startDate) execution.startDate = item.startDate;
  if (item.stopDate) execution.stopDate = item.stopDate;
  return execution;
}

/** A run id from a JSON document (input, output, state), only if it is a valid one. */
function runIdIn(json: string | undefined): string | undefined {
  if (!json) return undefined;
  try {
    const value = (JSON.parse(json) as { runId?: unknown } | null)?.runId;
    return RUN_ID.safeParse(value).success ? (value as string) : undefined;
  } catch {
    return undefined;
  }
}
