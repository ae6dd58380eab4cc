import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TrackingTableKeys } from '../../lib/contracts/index.js';
import { VehicleStatus } from '../../lib/core/types.js';
import type { CloudResources } from '../../harness/emulators/cloud-resources.js';
import { slotStats, type OfflineMeasurement, type QueueEvents, type ValidationPlan, type ValidationRunPlan } from './cloud-validate.js';
import { median } from './median.js';

/**
 * One offline cloud run, measured (cloud-validate.ts loads this after setting the env the
 * handlers read at import, and after pointing the SDK at the emulators).
 */
export async function measureOfflineRun(run: ValidationRunPlan, plan: ValidationPlan): Promise<OfflineMeasurement> {
  const { cloudFixture } = await import('../../harness/cloud.js');
  const { runOfflineCloud } = await import('../../harness/offline-cloud-run.js');
  const { synthesizedStateMachine } = await import('../../harness/state-machine.js');
  const context = { downloaderConcurrency: run.concurrency };
  // Synthesized (and cached) now, so the run's clock holds no synth.
  const { downloaderConcurrency } = synthesizedStateMachine(context);
  const env = await cloudFixture(
    `bench-validate-${run.vehicles}x${run.concurrency}`,
    { vehicles: run.vehicles, seed: plan.seed, pageLatencyMs: plan.pageLatencyMs, pdfLatencyMs: plan.pdfLatencyMs },
  );
  try {
    const awsRequestSecs = await measureAwsRequest(env.resources);
    const tap = tapQueue(env.resources.clients.sqs);
    const startedAt = Date.now();
    let result: Awaited<ReturnType<typeof runOfflineCloud>>;
    try {
      result = await runOfflineCloud({ resources: env.resources, handlers: env.handlers, context, waitMs: { Wait: plan.waitMs } });
    } finally {
      tap.restore();
    }
    const endAt = startedAt + result.wallMs;
    const runId = result.final?.runId;
    const rows = runId ? await env.runtime.aws.tracker.list(runId) : [];
    const done = rows.filter((r) => r.status === VehicleStatus.DONE);
    const finished = done.map((r) => r.finishedAt).filter((t): t is number => t !== undefined);
    const lastStored = finished.length ? Math.max(...finished) : endAt;
    const received = tap.events.received;
    const sent = received.map((r) => r.sentAt).filter((t): t is number => t !== undefined);
    const firstReceive = received.length ? Math.min(...received.map((r) => r.at)) : endAt;
    const queuedAt = sent.length ? Math.max(...sent) : firstReceive;
    const loginEnd = result.final?.startedAt ?? queuedAt;
    const rowSecs = done.filter((r) => r.startedAt && r.finishedAt).map((r) => (r.finishedAt! - r.startedAt!) / 1000);
    const failure = result.failure
      ? `${result.failure.error}: ${result.failure.cause}`
      : done.length < run.vehicles
        ? `${run.vehicles - done.length} not DONE`
        : undefined;
    return {
      vehicles: run.vehicles,
      concurrency: downloaderConcurrency,
      done: done.length,
      ...(failure ? { failure } : {}),
      wallSecs: result.wallMs / 1000,
      phases: {
        loginSecs: (loginEnd - startedAt) / 1000,
        enqueueSecs: (queuedAt - loginEnd) / 1000,
        downloadSecs: (lastStored - queuedAt) / 1000,
        tailSecs: (endAt - lastStored) / 1000,
      },
      firstReceiveAfterQueuedSecs: (firstReceive - queuedAt) / 1000,
      slots: slotStats(tap.events, downloaderConcurrency),
      rowP50Secs: median(rowSecs),
      awsRequestSecs,
      polls: result.states.filter((s) => s === 'Progress').length,
      stateTransitions: result.states.length,
      downloaderInvocations: result.source.invocations,
      peakConcurrency: result.source.peakConcurrency,
      batch: result.source.invocations ? received.length / result.source.invocations : Number.NaN,
      portalPeakInFlight: env.portal.stats().inFlightPeak,
    };
  } finally {
    await env.close();
  }
}

/**
 * Record when the event source's client receives and deletes each message. The stand-in's
 * client is the fixture's own (the handlers use their own clients), so only its calls show.
 */
function tapQueue(sqs: SQSClient): { events: QueueEvents; restore: () => void } {
  const events: QueueEvents = { received: [], deleted: [] };
  const original = sqs.send.bind(sqs) as (command: unknown) => Promise<unknown>;
  const tapped = async (command: unknown): Promise<unknown> => {
    const out = await original(command);
    const at = Date.now();
    if (command instanceof ReceiveMessageCommand) {
      for (const m of (out as { Messages?: Array<{ ReceiptHandle?: string; Attributes?: Record<string, string> }> }).Messages ?? []) {
        const sent = Number(m.Attributes?.SentTimestamp);
        events.received.push({ handle: m.ReceiptHandle!, at, ...(Number.isFinite(sent) && sent > 0 ? { sentAt: sent } : {}) });
      }
    } else if (command instanceof DeleteMessageBatchCommand) {
      for (const e of command.input.Entries ?? []) events.deleted.push({ handle: e.ReceiptHandle!, at });
    }
    return out;
  };
  const target = sqs as unknown as { send: unknown };
  target.send = tapped;
  return { events, restore: () => void delete (target as { send?: unknown }).send };
}

/** Median of sequential calls, one of each service the handlers use per vehicle, after a warm-up. */
async function measureAwsRequest(resources: CloudResources, rounds = 10): Promise<number> {
  const { dynamodb, sqs, s3 } = resources.clients;
  const calls = [
    () =>
      dynamodb.send(
        new GetItemCommand({
          TableName: resources.trackingTable,
          Key: { [TrackingTableKeys.PARTITION_KEY]: { S: 'bench' }, [TrackingTableKeys.SORT_KEY]: { S: 'probe' } },
          ConsistentRead: true,
        }),
      ),
    () => sqs.send(new GetQueueAttributesCommand({ QueueUrl: resources.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] })),
    () => s3.send(new HeadBucketCommand({ Bucket: resources.bucket })),
  ];
  for (const call of calls) await call();
  const times: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    for (const call of calls) {
      const t = performance.now();
      await call();
      times.push((performance.now() - t) / 1000);
    }
  }
  return median(times);
}
