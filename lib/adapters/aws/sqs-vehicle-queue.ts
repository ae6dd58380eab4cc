import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type BatchResultErrorEntry,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import { firstLine, InputError, TransientError } from '../../core/errors.js';
import { RunIdSchema, VehicleMessageSchema, type VehicleMessage } from '../../contracts/index.js';
import { isSafeFileName } from '../../core/file-name.js';
import { validateRef } from '../../core/portal/inventory-csv.js';
import { retryDelayMs, sleep } from './aws-errors.js';
import { DEFAULT_SEND_BASE_DELAY_MS, DEFAULT_SEND_MAX_TRIES, DEFAULT_SEND_PARALLEL_BATCHES, SQS_BATCH_SIZE } from './constants.js';
import type { SqsQueueDepth, SqsVehicleQueueOptions } from './types.js';

/** Why an entry was not sent on its last try. */
interface Unsent {
  entry: SendMessageBatchRequestEntry;
  why: string;
}

/**
 * The vehicle queue of the cloud shape: one `{runId, ref, file, vin}` JSON message per vehicle.
 * `sendVehicles` sends SendMessageBatch calls of 10, a few in flight at once, and retries
 * only the entries a partial failure names (with backoff), so a run of 20,000 vehicles is
 * enqueued in about 2,000 calls and no message is sent twice by the adapter itself.
 */
export class SqsVehicleQueue {
  readonly queueUrl: string;
  readonly dlqUrl: string | undefined;
  readonly #sqs: SQSClient;
  readonly #parallelBatches: number;
  readonly #maxTries: number;
  readonly #baseDelayMs: number;

  constructor(options: SqsVehicleQueueOptions) {
    this.queueUrl = options.queueUrl;
    this.dlqUrl = options.dlqUrl;
    this.#sqs = options.client;
    this.#parallelBatches = Math.max(1, options.parallelBatches ?? DEFAULT_SEND_PARALLEL_BATCHES);
    this.#maxTries = Math.max(1, options.maxTries ?? DEFAULT_SEND_MAX_TRIES);
    this.#baseDelayMs = options.baseDelayMs ?? DEFAULT_SEND_BASE_DELAY_MS;
  }

  /**
   * Send one message per vehicle. Returns how many were sent (all of them); throws a
   * TransientError naming how many were not sent when some still fail after `maxTries`
   * (those that were sent stay sent: the tracker makes a second delivery harmless).
   */
  async sendVehicles(messages: VehicleMessage[]): Promise<number> {
    const entries = messages.map((message, i): SendMessageBatchRequestEntry => {
      const parsed = VehicleMessageSchema.safeParse(message);
      if (!parsed.success) {
        throw new InputError(`vehicle message ${i + 1} is invalid: ${firstLine(parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '))}`);
      }
      return { Id: '', MessageBody: JSON.stringify(vehicleBody(parsed.data)) };
    });
    const limit = pLimit(this.#parallelBatches);
    const batches: SendMessageBatchRequestEntry[][] = [];
    for (let i = 0; i < entries.length; i += SQS_BATCH_SIZE) {
      // Ids only need to be unique within a batch.
      batches.push(entries.slice(i, i + SQS_BATCH_SIZE).map((e, j) => ({ ...e, Id: String(j) })));
    }
    const unsent = (await Promise.all(batches.map((batch) => limit(() => this.#sendBatch(batch))))).flat();
    if (unsent.length > 0) {
      throw new TransientError(
        `${unsent.length} of ${entries.length} vehicle messages were not sent to ${queueName(this.queueUrl)} after ${this.#maxTries} tries (${unsent[0]?.why ?? 'unknown'})`,
        'enqueue_failed',
      );
    }
    return entries.length;
  }

  /** Message counts of the vehicle queue, or of any queue by URL. */
  async depth(queueUrl: string = this.queueUrl): Promise<SqsQueueDepth> {
    const out = await this.#sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const attributes = out.Attributes ?? {};
    return {
      visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }

  /** Message counts of the dead-letter queue (needs `dlqUrl`). */
  async dlqDepth(): Promise<SqsQueueDepth> {
    if (!this.dlqUrl) throw new InputError('SqsVehicleQueue: no dlqUrl configured');
    return this.depth(this.dlqUrl);
  }

  /**
   * Send a vehicle's message again as a new message, hidden for `delaySecs` (SQS allows at
   * most 900): a parked vehicle (the breaker is open) or a retry that does not count. The new
   * message's SQS receive count starts at zero, so a vehicle that waited out an outage gets
   * its full attempts after the resume (the failures just before the breaker opened were
   * most likely the outage's too).
   */
  async park(message: VehicleMessage, delaySecs: number): Promise<void> {
    await this.#sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(vehicleBody(message)),
        DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySecs))),
      }),
    );
  }

  /** Hide a received message for `seconds` more (0: make it receivable again now). */
  async changeVisibility(receiptHandle: string, seconds: number, queueUrl: string = this.queueUrl): Promise<void> {
    await this.#sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
      }),
    );
  }

  /** One batch of at most 10, its failed entries retried; returns what was still not sent. */
  async #sendBatch(batch: SendMessageBatchRequestEntry[]): Promise<Unsent[]> {
    let pending = batch;
    let lastWhy = new Map<string, string>();
    const given: Unsent[] = [];
    for (let attempt = 1; pending.length > 0 && attempt <= this.#maxTries; attempt += 1) {
      if (attempt > 1) await sleep(retryDelayMs(this.#baseDelayMs, attempt - 1));
      let failed: BatchResultErrorEntry[];
      try {
        const out = await this.#sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        failed = out.Failed ?? [];
      } catch (error) {
        // The whole call failed (after the SDK's own retries): every entry is tried again.
        const why = firstLine(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        lastWhy = new Map(pending.map((e) => [e.Id ?? '', why]));
        continue;
      }
      const byId = new Map(pending.map((e) => [e.Id ?? '', e]));
      lastWhy = new Map();
      const retry: SendMessageBatchRequestEntry[] = [];
      for (const failure of failed) {
        const entry = byId.get(failure.Id ?? '');
        if (!entry) continue;
        const why = `${failure.Code ?? 'error'}: ${failure.Message ?? 'no message'}`;
        // A sender fault (too large, malformed) fails the same way every time: no retry.
        if (failure.SenderFault) given.push({ entry, why });
        else {
          retry.push(entry);
          lastWhy.set(entry.Id ?? '', why);
        }
      }
      pending = retry;
    }
    return [...given, ...pending.map((entry) => ({ entry, why: lastWhy.get(entry.Id ?? '') ?? 'not sent' }))];
  }
}

/** Turn a message body into a VehicleMessage; InputError for anything else. */
export function parseVehicleMessage(body: string): VehicleMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InputError(`vehicle message is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
  }
  const parsed = VehicleMessageSchema.safeParse(json);
  if (!parsed.success) {
    throw new InputError(`vehicle message is invalid: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'body'}: ${x.message}`).join('; ')}`);
  }
  // The ref and run id become tracking keys, the file name `runs/<runId>/pdfs/<file>`: refuse
  // here, before any row, request or object, what the inventory and the state machine input would refuse.
  const unsafe = validateRef(parsed.data.ref);
  if (unsafe) throw new InputError(`vehicle message is invalid: ref: ${unsafe}`);
  if (parsed.data.file !== undefined && !isSafeFileName(parsed.data.file)) {
    throw new InputError(`vehicle message is invalid: file: ${JSON.stringify(parsed.data.file.slice(0, 80))} is not a file name fleetpdf makes`);
  }
  if (!RunIdSchema.safeParse(parsed.data.runId).success) {
    throw new InputError(`vehicle message is invalid: runId: ${JSON.stringify(parsed.data.runId.slice(0, 80))} is not a run id (letters, digits, ".", "_" and "-", at most 64)`);
  }
  return parsed.data;
}

/** The message body: the vehicle's identity, and its uncounted retries when it had some. */
function vehicleBody(message: VehicleMessage): VehicleMessage {
  const body: VehicleMessage = { runId: message.runId, ref: message.ref };
  if (message.file !== undefined) body.file = message.file;
  if (message.vin !== undefined) body.vin = message.vin;
  if (message.throttles) body.throttles = message.throttles;
  if (message.relogins) body.relogins = message.relogins;
  return body;
}


function queueName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1) || url;
}
