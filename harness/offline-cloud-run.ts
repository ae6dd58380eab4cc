import './promise-with-resolvers.js';
import { StateMachine } from 'aws-local-stepfunctions';
import type { CloudHandlers } from '../lib/cloud/handlers/index.js';
import type { RunState } from '../lib/contracts/index.js';
import type { CloudResources } from './emulators/cloud-resources.js';
import { SqsEventSource } from './sqs-event-source.js';
import { synthesizedStateMachine } from './state-machine.js';

export interface OfflineCloudRunOptions {
  /** The emulated resources (cloudFixture makes them). */
  resources: CloudResources;
  /** The functions, as one container runs them (cloudFixture's `handlers`). */
  handlers: CloudHandlers;
  /** The execution input. @default {} */
  input?: unknown;
  /** Hand every SQS message to two downloader invocations at once. @default false */
  deliverTwice?: boolean;
  /** Wait state durations in ms, by state name (the definition says 30 s and 60 s). @default Wait 250, Cooldown 1000 */
  waitMs?: Partial<Record<'Wait' | 'Cooldown', number>>;
  /** CDK context for the synthesized stack. @default {} */
  context?: Record<string, unknown>;
}

export interface OfflineCloudRunResult {
  /** The final state, when the execution succeeded. */
  final?: RunState;
  /** The execution's failure (`Paused`, `LoginRejectedError`, ...) and its cause, when it failed. */
  failure?: { error: string; cause: string };
  /** The names of the states the execution went through, in order. */
  states: string[];
  source: SqsEventSource['stats'];
  /** The downloader concurrency of the synthesized template, which the poller honoured. */
  concurrency: number;
  wallMs: number;
}

/**
 * One whole cloud run offline, no vitest needed (the chaos runner uses it too): the stack's
 * synthesized state machine in aws-local-stepfunctions with its Tasks bound to the real
 * handlers, and `SqsEventSource` playing the downloader's event source mapping (capped at the
 * template's MaximumConcurrency, paused while the mapping is switched off).
 */
export async function runOfflineCloud(options: OfflineCloudRunOptions): Promise<OfflineCloudRunResult> {
  const { definition, downloaderConcurrency: concurrency } = synthesizedStateMachine(options.context ?? {});
  const { resources, handlers } = options;
  const source = new SqsEventSource({
    sqs: resources.clients.sqs,
    queueUrl: resources.queueUrl,
    queueArn: resources.queueArn,
    handler: handlers.downloader,
    maxConcurrency: concurrency,
    mapping: { lambda: resources.clients.lambda, uuid: resources.mappingId },
    deliverTwice: options.deliverTwice ?? false,
  });
  const started = performance.now();
  const states: string[] = [];
  source.start();
  try {
    const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    const execution = machine.run((options.input ?? {}) as never, {
      overrides: {
        taskResourceLocalHandlers: {
          Login: handlers.login as never,
          Resume: handlers.login as never,
          Enqueue: handlers.enqueue as never,
          Progress: handlers.progress as never,
          Report: handlers.report as never,
        },
        waitTimeOverrides: { Wait: options.waitMs?.Wait ?? 250, Cooldown: options.waitMs?.Cooldown ?? 1000 },
      },
    });
    const logged = (async () => {
      for await (const event of execution.eventLogs) if (event.type === 'StateEntered') states.push(event.state.name);
    })().catch(() => undefined);
    try {
      const final = (await execution.result) as unknown as RunState;
      await logged;
      return { final, states, source: source.stats, concurrency, wallMs: performance.now() - started };
    } catch (error) {
      const cause = (error as { cause?: { name?: string; message?: string } }).cause;
      await logged;
      return {
        failure: { error: cause?.name ?? (error as Error).name, cause: cause?.message ?? (error as Error).message },
        states,
        source: source.stats,
        concurrency,
        wallMs: performance.now() - started,
      };
    }
  } finally {
    await source.stop();
  }
}
