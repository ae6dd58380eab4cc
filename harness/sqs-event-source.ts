import { GetEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface SqsEventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
  /** The mapping's ScalingConfig.MaximumConcurrency: invocations in flight at most. */
  maxConcurrency: number;
  /** @default 1 */
  batchSize?: number;
  /**
   * The mapping this poller plays (Lambda API stand-in): while it is not `Enabled` nothing is
   * received, as when the circuit breaker switched it off. @default always enabled
   */
  mapping?: { lambda: LambdaClient; uuid: string };
  /** At-least-once delivery at its worst: hand every received message to two invocations at once. @default false */
  deliverTwice?: boolean;
  region?: string;
}

/**
 * What Lambda's SQS event source mapping does, for tests (no emulator invokes Lambda from
 * SQS): poll the queue, hand batches shaped like a real SQSEvent to the handler with at
 * most `maxConcurrency` invocations at once, delete what succeeded, and leave each
 * `batchItemFailures` entry (or the whole batch, if the handler threw) to come back after
 * its visibility timeout, or to go to the DLQ.
 */
export class SqsEventSource {
  readonly #options: SqsEventSourceOptions;
  #running = false;
  #loop?: Promise<void>;
  #inFlight = 0;
  readonly stats = { invocations: 0, peakConcurrency: 0, deleted: 0, itemFailures: 0, handlerErrors: 0, duplicateDeliveries: 0, pausedPolls: 0 };
  #enabled = { value: true, checkedAt: 0 };

  constructor(options: SqsEventSourceOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#poll();
  }

  /** Stop polling and wait for the invocations in flight. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    while (this.#inFlight > 0) await sleep(20);
  }

  async #poll(): Promise<void> {
    const { sqs, queueUrl, maxConcurrency } = this.#options;
    const batchSize = this.#options.batchSize ?? 1;
    while (this.#running) {
      if (!(await this.#mappingEnabled())) {
        this.stats.pausedPolls += 1;
        await sleep(100);
        continue;
      }
      const room = maxConcurrency - this.#inFlight;
      if (room <= 0) {
        await sleep(10);
        continue;
      }
      const received = await sqs
        .send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, room * batchSize),
            WaitTimeSeconds: 0,
            // The emulator only returns ApproximateReceiveCount for the legacy 'All'.
            AttributeNames: ['All'],
          }),
        )
        .catch(() => ({ Messages: [] as Message[] }));
      const messages = received.Messages ?? [];
      if (messages.length === 0) {
        await sleep(50);
        continue;
      }
      for (let i = 0; i < messages.length; i += batchSize) {
        const batch = messages.slice(i, i + batchSize);
        this.#invoke(batch);
        if (this.#options.deliverTwice) {
          this.stats.duplicateDeliveries += batch.length;
          this.#invoke(batch);
        }
      }
    }
  }

  /** The mapping's state, read at most every 100 ms (as Lambda's pollers notice a change). */
  async #mappingEnabled(): Promise<boolean> {
    const mapping = this.#options.mapping;
    if (!mapping) return true;
    if (Date.now() - this.#enabled.checkedAt < 100) return this.#enabled.value;
    const out = await mapping.lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.uuid })).catch(() => undefined);
    this.#enabled = { value: out ? out.State === 'Enabled' : this.#enabled.value, checkedAt: Date.now() };
    return this.#enabled.value;
  }

  #invoke(messages: Message[]): void {
    this.#inFlight += 1;
    this.stats.invocations += 1;
    this.stats.peakConcurrency = Math.max(this.stats.peakConcurrency, this.#inFlight);
    const event: SQSEvent = { Records: messages.map((m) => this.#record(m)) };
    void (async () => {
      try {
        let failed = new Set<string>();
        try {
          const response = await this.#options.handler(event, lambdaContext('Downloader'));
          failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
          this.stats.itemFailures += failed.size;
        } catch {
          this.stats.handlerErrors += 1;
          return; // the whole batch comes back
        }
        const done = messages.filter((m) => !failed.has(m.MessageId!));
        if (done.length) {
          // A twice-delivered message may be deleted already by its twin: that is not an error.
          await this.#options.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: this.#options.queueUrl,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          ).catch(() => undefined);
          this.stats.deleted += done.length;
        }
      } finally {
        this.#inFlight -= 1;
      }
    })();
  }

  #record(message: Message): SQSRecord {
    const attrs = message.Attributes ?? {};
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
        SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
        SenderId: attrs.SenderId ?? 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.#options.queueArn,
      awsRegion: this.#options.region ?? 'us-east-1',
    };
  }
}

/** A Lambda context for handlers called in-process. */
export function lambdaContext(functionName: string, timeoutMs = 120_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '2048',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/11/23/[$LATEST]${crypto.randomUUID().replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
