import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseVehicleMessage, SqsVehicleQueue } from '../../../lib/adapters/aws/index.js';
import { InputError, TransientError } from '../../../lib/core/errors.js';
import type { VehicleMessage } from '../../../lib/contracts/index.js';
import { createCloudResources, EMULATOR_CREDENTIALS, EMULATOR_REGION, useEmulators, type CloudResources } from '../../emulators/aws-env.js';

const endpoints = useEmulators();

const messages = (runId: string, count: number): VehicleMessage[] =>
  Array.from({ length: count }, (_, i) => ({ runId, ref: `R${String(i + 1).padStart(5, '0')}`, ...(i % 2 ? { vin: '1HGCM82633A004352' } : {}) }));

/** A fresh client on the emulator that counts the SendMessageBatch calls it makes and the entries in them. */
function countingClient() {
  const client = new SQSClient({ region: EMULATOR_REGION, endpoint: endpoints.sqs, credentials: EMULATOR_CREDENTIALS });
  const calls: number[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendMessageBatchCommand') calls.push((args.input as SendMessageBatchCommandInput).Entries?.length ?? 0);
      return next(args);
    },
    { step: 'initialize', name: 'countBatches' },
  );
  return { client, calls };
}

/** Receive until `count` distinct messages came back (WaitTimeSeconds 0: the emulator's long polling is quirky). */
async function receiveAll(sqs: SQSClient, queueUrl: string, count: number, options: { delete?: boolean; timeoutMs?: number } = {}): Promise<Message[]> {
  const got = new Map<string, Message>();
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (got.size < count && Date.now() < deadline) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      // local-aws-sqs only honours the older AttributeNames for message attributes ('All' is the one its type allows).
      AttributeNames: ['All'],
    }));
    for (const m of out.Messages ?? []) {
      got.set(m.MessageId ?? '', m);
      if (options.delete) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    if (!out.Messages?.length) await new Promise((r) => setTimeout(r, 100));
  }
  return [...got.values()];
}

/**
 * depth() once the emulator settled: local-aws-sqs holds every new message as "delayed" until
 * a zero-delay timer fires, so a depth taken right after a send can show a few as delayed.
 */
async function settledDepth(queue: SqsVehicleQueue, queueUrl?: string) {
  // Generous: the loop ends as soon as the emulator settled; a loaded machine runs its timer late.
  const deadline = Date.now() + 10_000;
  let depth = await queue.depth(queueUrl);
  while (depth.delayed > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    depth = await queue.depth(queueUrl);
  }
  return depth;
}

describe('SqsVehicleQueue (local-aws-sqs)', () => {
  let res: CloudResources;
  beforeAll(async () => {
    res = await createCloudResources('sqs', { maxReceiveCount: 3, visibilityTimeoutSecs: 30 });
  });

  it('sends 25 vehicles in 3 SendMessageBatch calls; all 25 are received, each once, as {runId, ref, vin}', async () => {
    const { client, calls } = countingClient();
    const queue = new SqsVehicleQueue({ client, queueUrl: res.queueUrl, dlqUrl: res.dlqUrl });
    const sent = messages('run-25', 25);
    expect(await queue.sendVehicles(sent)).toBe(25);
    expect(calls.sort((a, b) => b - a)).toEqual([10, 10, 5]);

    expect(await settledDepth(queue)).toEqual({ visible: 25, inFlight: 0, delayed: 0 });

    const received = await receiveAll(res.clients.sqs, res.queueUrl, 25);
    expect(received).toHaveLength(25);
    const bodies = received.map((m) => parseVehicleMessage(m.Body ?? ''));
    expect(bodies.sort((a, b) => a.ref.localeCompare(b.ref))).toEqual(sent);
    expect(JSON.parse(received[0]?.Body ?? '{}')).toHaveProperty('runId', 'run-25');

    const after = await queue.depth();
    expect(after.inFlight).toBe(25);
    // local-aws-sqs quirk: ApproximateNumberOfMessages counts in-flight messages too (AWS would say 0).
    expect([0, 25]).toContain(after.visible);
    console.log(`[sqs] after receiving all 25 (none deleted): ${JSON.stringify(after)}`);
    for (const m of received) await res.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: res.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(await queue.dlqDepth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('sends 1,000 vehicles with 8 batches in flight', async () => {
    const own = await createCloudResources('sqs-many');
    const { client, calls } = countingClient();
    const queue = new SqsVehicleQueue({ client, queueUrl: own.queueUrl });
    expect(await queue.sendVehicles(messages('run-1000', 1_000))).toBe(1_000);
    expect(calls).toHaveLength(100);
    expect((await settledDepth(queue)).visible).toBe(1_000);
  });

  it('retries only the entries a partial failure names, then every vehicle is there exactly once', async () => {
    const own = await createCloudResources('sqs-partial');
    const { client, calls } = countingClient();
    // Fault injection in the real SDK stack: the first two calls "fail" their entries 0-2 the way
    // SQS reports a partial failure (those entries are not sent; the others go to the emulator).
    let faults = 2;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'SendMessageBatchCommand' || faults <= 0) return next(args);
        faults -= 1;
        const input = args.input as SendMessageBatchCommandInput;
        const entries = input.Entries ?? [];
        const dropped = entries.filter((e) => ['0', '1', '2'].includes(e.Id ?? ''));
        const out = await next({ ...args, input: { ...input, Entries: entries.filter((e) => !dropped.includes(e)) } });
        const output = out.output as SendMessageBatchCommandOutput;
        output.Failed = [...(output.Failed ?? []), ...dropped.map((e) => ({ Id: e.Id, Code: 'InternalError', Message: 'injected', SenderFault: false }))];
        return out;
      },
      { step: 'initialize', name: 'injectPartialFailure', priority: 'low' },
    );
    const queue = new SqsVehicleQueue({ client, queueUrl: own.queueUrl, parallelBatches: 1, baseDelayMs: 5 });
    const sent = messages('run-partial', 20);
    expect(await queue.sendVehicles(sent)).toBe(20);
    // Two batches of 10; the first lost 3 twice: 10, 3 (retry, lost again), 3 (retry), 10.
    expect(calls).toEqual([10, 3, 3, 10]);
    const received = await receiveAll(own.clients.sqs, own.queueUrl, 20, { delete: true });
    expect(received.map((m) => parseVehicleMessage(m.Body ?? '').ref).sort()).toEqual(sent.map((m) => m.ref));
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('gives up after 5 tries with a message naming how many were not sent', async () => {
    const client = new SQSClient({ region: EMULATOR_REGION, endpoint: endpoints.sqs, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
    const queue = new SqsVehicleQueue({ client, queueUrl: `${endpoints.sqs}/123456789012/no-such-queue`, baseDelayMs: 1 });
    const error = await queue.sendVehicles(messages('run-x', 12)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/^12 of 12 vehicle messages were not sent to no-such-queue after 5 tries \(.*\)$/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('refuses an invalid message before sending anything', async () => {
    const queue = new SqsVehicleQueue({ client: res.clients.sqs, queueUrl: res.queueUrl });
    await expect(queue.sendVehicles([{ runId: 'r', ref: '' }])).rejects.toBeInstanceOf(InputError);
    expect(() => parseVehicleMessage('not json')).toThrow(InputError);
    expect(() => parseVehicleMessage('{"runId":"r"}')).toThrow(/ref/);
  });

  it('makes a received message receivable again at once with changeVisibility(0)', async () => {
    const own = await createCloudResources('sqs-vis');
    const queue = new SqsVehicleQueue({ client: own.clients.sqs, queueUrl: own.queueUrl });
    await queue.sendVehicles([{ runId: 'run-vis', ref: 'AGAIN' }]);
    const [first] = await receiveAll(own.clients.sqs, own.queueUrl, 1);
    const hidden = await own.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: own.queueUrl, WaitTimeSeconds: 0 }));
    expect(hidden.Messages ?? []).toHaveLength(0);
    await queue.changeVisibility(first?.ReceiptHandle ?? '', 0);
    const [again] = await receiveAll(own.clients.sqs, own.queueUrl, 1);
    expect(again?.MessageId).toBe(first?.MessageId);
  });

  it('moves a message received 3 times without delete to the DLQ, and StartMessageMoveTask brings it back', async () => {
    // Visibility 1 s: each failed delivery comes back after its timeout, as a failed batch item does.
    // (Not changeVisibility(0) here: local-aws-sqs counts a ChangeMessageVisibility as one more receive.)
    const own = await createCloudResources('sqs-dlq', { maxReceiveCount: 3, visibilityTimeoutSecs: 1 });
    const queue = new SqsVehicleQueue({ client: own.clients.sqs, queueUrl: own.queueUrl, dlqUrl: own.dlqUrl });
    await queue.sendVehicles([{ runId: 'run-dlq', ref: 'POISON' }]);

    for (let receive = 1; receive <= 3; receive += 1) {
      const [m] = await receiveAll(own.clients.sqs, own.queueUrl, 1, { timeoutMs: 15_000 });
      expect(m?.Attributes?.ApproximateReceiveCount).toBe(String(receive));
    }
    // After the third visibility timeout the message is in the DLQ, not in the queue.
    const deadline = Date.now() + 15_000;
    while ((await queue.dlqDepth()).visible === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await queue.dlqDepth()).visible).toBe(1);
    const none = await own.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: own.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(none.Messages ?? []).toHaveLength(0);
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });

    // Redrive ("Start DLQ redrive" in the console): back to the source queue, whole.
    await own.clients.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: own.dlqArn, DestinationArn: own.queueArn }));
    const [back] = await receiveAll(own.clients.sqs, own.queueUrl, 1, { timeoutMs: 15_000 });
    expect(back && parseVehicleMessage(back.Body ?? '')).toEqual({ runId: 'run-dlq', ref: 'POISON' });
    expect(back?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect((await queue.dlqDepth()).visible).toBe(0);
  }, 90_000);
});
