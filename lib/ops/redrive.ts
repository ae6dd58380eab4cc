import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { awsErrorName } from '../adapters/aws/aws-errors.js';
import { InputError } from '../core/errors.js';
import type { OpsContext } from './context.js';
import { StackOutput } from '../contracts/index.js';

/** A DLQ redrive as ListMessageMoveTasks reports it. */
export interface MoveTaskState {
  /** RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED. */
  status: string;
  moved: number;
  /** Messages in the DLQ when the task started. */
  toMove: number;
  startedAt?: Date;
  failureReason?: string;
}

/** The stack's DLQ and vehicle queue, as a redrive needs them. */
export interface RedriveTarget {
  dlqArn: string;
  dlqName: string;
  queueArn: string;
}

export async function redriveTarget(ctx: OpsContext): Promise<RedriveTarget> {
  const dlqUrl = ctx.outputs.get(StackOutput.DLQ_URL);
  const queueUrl = ctx.outputs.get(StackOutput.QUEUE_URL);
  const [dlqArn, queueArn] = await Promise.all([arnOfQueue(ctx.clients.sqs, dlqUrl), arnOfQueue(ctx.clients.sqs, queueUrl)]);
  return { dlqArn, dlqName: queueName(dlqUrl), queueArn };
}

/**
 * Move every message of the stack's DLQ back to the vehicle queue (StartMessageMoveTask, as
 * the console's "Start DLQ redrive"). Returns how many messages were waiting. An empty DLQ is
 * an error: there is nothing to redrive.
 */
export async function startRedrive(ctx: OpsContext, target: RedriveTarget): Promise<number> {
  const depth = await ctx.queue.dlqDepth();
  if (depth.visible === 0) {
    throw new InputError(`nothing to redrive: the DLQ ${target.dlqName} is empty${depth.inFlight ? ` (${depth.inFlight} messages are being received right now)` : ''}`);
  }
  try {
    await ctx.clients.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: target.dlqArn, DestinationArn: target.queueArn }));
    return depth.visible;
  } catch (error) {
    if (awsErrorName(error) === 'InvalidParameterValue' && /already a task running/i.test(error instanceof Error ? error.message : '')) {
      throw new InputError(`a redrive of ${target.dlqName} is already running (SQS runs one at a time): "fleetpdf cloud redrive --wait" follows it`);
    }
    throw error;
  }
}

/** The newest move task of the DLQ (ours, right after the start: SQS runs one at a time per queue). */
export async function readMoveTask(sqs: SQSClient, dlqArn: string): Promise<MoveTaskState | undefined> {
  const out = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }));
  const task = out.Results?.[0];
  return task ? toState(task) : undefined;
}

/** Poll the move task every `intervalMs` until it is no longer RUNNING (or `signal` aborts); `onState` sees each poll. */
export async function waitForMoveTask(options: {
  sqs: SQSClient;
  dlqArn: string;
  intervalMs: number;
  signal?: AbortSignal;
  onState: (state: MoveTaskState) => void;
}): Promise<MoveTaskState | undefined> {
  for (;;) {
    const state = await readMoveTask(options.sqs, options.dlqArn);
    if (state) options.onState(state);
    if (!state || !isActive(state) || options.signal?.aborted) return state;
    try {
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    } catch {
      return state;
    }
  }
}

export function isActive(state: MoveTaskState): boolean {
  return state.status === 'RUNNING' || state.status === 'CANCELLING';
}

export function formatMoveTask(state: MoveTaskState): string {
  const of = state.toMove ? ` of ${state.toMove}` : '';
  const why = state.failureReason ? ` (${state.failureReason})` : '';
  return `redrive ${state.status.toLowerCase()}: ${state.moved}${of} messages moved back to the vehicle queue${why}`;
}

async function arnOfQueue(sqs: SQSClient, queueUrl: string): Promise<string> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new InputError(`queue ${queueName(queueUrl)} has no ARN: is it deleted?`);
  return arn;
}

function toState(task: ListMessageMoveTasksResultEntry): MoveTaskState {
  const state: MoveTaskState = {
    status: task.Status ?? 'UNKNOWN',
    moved: task.ApproximateNumberOfMessagesMoved ?? 0,
    toMove: task.ApproximateNumberOfMessagesToMove ?? 0,
  };
  if (task.StartedTimestamp) state.startedAt = new Date(task.StartedTimestamp);
  if (task.FailureReason) state.failureReason = task.FailureReason;
  return state;
}

function queueName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1) || url;
}
