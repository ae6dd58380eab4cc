import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback, sendAwsJson, ServiceError } from './aws-json.js';

/**
 * A tiny AWS Step Functions stand-in for the control plane `fleetpdf cloud` uses: an HTTP
 * server speaking the service's JSON protocol (`POST /`, `X-Amz-Target: AWSStepFunctions.<Op>`,
 * `application/x-amz-json-1.0`) for StartExecution, ListExecutions, DescribeExecution and
 * GetExecutionHistory, so the real `@aws-sdk/client-sfn` talks to it (point it here with
 * AWS_ENDPOINT_URL_SFN). Nothing is executed: StartExecution records the execution (RUNNING)
 * and tests move it along with `updateExecution` / `addStateExited`. Signatures are not checked.
 */

const REGION = 'us-east-1';
const ACCOUNT_ID = '123456789012';
const TARGET_PREFIX = 'AWSStepFunctions.';
/** Step Functions refuses an execution input above 256 KiB. */
const MAX_INPUT_BYTES = 256 * 1024;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface StandInExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  /** Epoch ms. */
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  /** State-exited events, in order (what GetExecutionHistory returns). */
  exited: { name: string; output: string }[];
}


export interface StepFunctionsStandIn {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Make a state machine known; returns its ARN. */
  createStateMachine(name: string): string;
  /** Executions, newest first. */
  executions(stateMachineArn?: string): StandInExecution[];
  /** Record an execution as if someone else (the console) had started it. */
  addExecution(stateMachineArn: string, options: { name?: string; input?: string; startDate?: number; status?: ExecutionStatus }): StandInExecution;
  updateExecution(executionArn: string, patch: Partial<Pick<StandInExecution, 'status' | 'stopDate' | 'output'>>): void;
  /** Add a StateExited event (e.g. Login's output, which carries the run id). */
  addStateExited(executionArn: string, name: string, output: unknown): void;
  /** Every request: the operation and its input. */
  readonly calls: { operation: string; input: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startStepFunctions(port = 0): Promise<StepFunctionsStandIn> {
  const machines = new Set<string>();
  const executions: StandInExecution[] = [];
  const calls: StepFunctionsStandIn['calls'] = [];

  const machineName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
  const findMachine = (arn: unknown): string => {
    if (typeof arn !== 'string' || !machines.has(arn)) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return arn;
  };
  const findExecution = (arn: unknown): StandInExecution => {
    const execution = executions.find((e) => e.executionArn === arn);
    if (!execution) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return execution;
  };
  const addExecution: StepFunctionsStandIn['addExecution'] = (stateMachineArn, options) => {
    const name = options.name ?? randomUUID();
    if (!/^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/.test(name)) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:${machineName(stateMachineArn)}:${name}`;
    if (executions.some((e) => e.executionArn === executionArn)) {
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution: StandInExecution = {
      executionArn,
      stateMachineArn,
      name,
      status: options.status ?? 'RUNNING',
      startDate: options.startDate ?? Date.now(),
      input: options.input ?? '{}',
      exited: [],
    };
    executions.unshift(execution);
    executions.sort((a, b) => b.startDate - a.startDate);
    return execution;
  };
  const summary = (e: StandInExecution) => ({
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate / 1000,
    ...(e.stopDate !== undefined ? { stopDate: e.stopDate / 1000 } : {}),
  });

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    StartExecution(input) {
      const stateMachineArn = findMachine(input.stateMachineArn);
      const body = typeof input.input === 'string' ? input.input : '{}';
      if (Buffer.byteLength(body) > MAX_INPUT_BYTES) throw new ServiceError('InvalidExecutionInput', 'Input exceeds the 262144 byte limit');
      try {
        JSON.parse(body);
      } catch {
        throw new ServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
      }
      const execution = addExecution(stateMachineArn, { name: typeof input.name === 'string' ? input.name : undefined, input: body });
      return { executionArn: execution.executionArn, startDate: execution.startDate / 1000 };
    },
    ListExecutions(input) {
      const stateMachineArn = findMachine(input.stateMachineArn);
      const max = typeof input.maxResults === 'number' && input.maxResults > 0 ? input.maxResults : 100;
      const start = typeof input.nextToken === 'string' ? Number(input.nextToken) : 0;
      const all = executions.filter(
        (e) => e.stateMachineArn === stateMachineArn && (input.statusFilter === undefined || e.status === input.statusFilter),
      );
      const page = all.slice(start, start + max);
      return { executions: page.map(summary), ...(start + max < all.length ? { nextToken: String(start + max) } : {}) };
    },
    DescribeExecution(input) {
      const e = findExecution(input.executionArn);
      return { ...summary(e), input: e.input, inputDetails: { included: true }, ...(e.output !== undefined ? { output: e.output } : {}) };
    },
    GetExecutionHistory(input) {
      const e = findExecution(input.executionArn);
      const events = [
        { id: 1, type: 'ExecutionStarted', timestamp: e.startDate / 1000, executionStartedEventDetails: { input: e.input } },
        ...e.exited.map((x, i) => ({
          id: i + 2,
          previousEventId: i + 1,
          type: 'TaskStateExited',
          timestamp: e.startDate / 1000,
          stateExitedEventDetails: { name: x.name, output: x.output },
        })),
      ];
      if (input.reverseOrder === true) events.reverse();
      const max = typeof input.maxResults === 'number' && input.maxResults > 0 ? input.maxResults : 100;
      return { events: events.slice(0, max) };
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res, operations, calls);
  });
  const listening = await listenOnLoopback(server, port, 'step functions');
  return {
    server,
    endpoint: listening.endpoint,
    calls,
    createStateMachine(name) {
      const arn = `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${name}`;
      machines.add(arn);
      return arn;
    },
    executions: (arn) => executions.filter((e) => arn === undefined || e.stateMachineArn === arn),
    addExecution,
    updateExecution(executionArn, patch) {
      Object.assign(findExecution(executionArn), patch);
    },
    addStateExited(executionArn, name, output) {
      findExecution(executionArn).exited.push({ name, output: JSON.stringify(output) });
    },
    close: listening.close,
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  operations: Record<string, (input: Record<string, unknown>) => unknown>,
  calls: StepFunctionsStandIn['calls'],
): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
      throw new ServiceError('UnknownOperationException', `not a Step Functions JSON request: ${req.method} ${target}`);
    }
    const name = target.slice(TARGET_PREFIX.length);
    const body = Buffer.concat(chunks).toString('utf8');
    const input = (body.trim() === '' ? {} : JSON.parse(body)) as Record<string, unknown>;
    calls.push({ operation: name, input });
    const operation = operations[name];
    if (!operation) throw new ServiceError('UnknownOperationException', `${target} is not supported by the stand-in`);
    send(res, 200, operation(input));
  } catch (error) {
    if (error instanceof ServiceError) send(res, error.status, { __type: error.type, message: error.message }, error.type);
    else send(res, 500, { __type: 'InternalFailure', message: String(error) }, 'InternalFailure');
  }
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  sendAwsJson(res, 'application/x-amz-json-1.0', status, body, errorType);
}
