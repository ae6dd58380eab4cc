import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SessionTableKeys } from '../../contracts/index.js';
import type { BreakerStore, BreakerTrip, BreakerWindow } from '../../core/ports.js';
import { documentClient, isConditionalCheckFailed } from './aws-errors.js';
import { defaultOf } from '../../settings/index.js';
import { RUN_COUNTERS_TTL_SECS } from './constants.js';
import type { DynamoBreakerStoreOptions } from './types.js';

const PK = SessionTableKeys.PARTITION_KEY;

/**
 * A run's circuit breaker in the session table, shared by every downloader container:
 * - outcomes go into 10-second bucket items (`breaker-window#<runId>#<bucket>`) with atomic
 *   `ADD`s, and the window is the current bucket plus the previous one (no scan, no lost
 *   update between containers);
 * - the open flag is one item (`breaker#<runId>`) written with a condition, so exactly one
 *   container opens it, and its reason is the first one seen.
 */
export class DynamoBreakerStore implements BreakerStore {
  readonly tableName: string;
  readonly #db: DynamoDBDocumentClient;
  readonly #bucketMs: number;
  readonly #now: () => number;
  readonly #ttlSecs: number;

  constructor(options: DynamoBreakerStoreOptions) {
    this.tableName = options.tableName;
    this.#db = documentClient(options.client);
    this.#bucketMs = (options.bucketSecs ?? (defaultOf('breakerBucketSecs', 'cloud') as number)) * 1000;
    this.#now = options.now ?? Date.now;
    this.#ttlSecs = options.ttlSecs ?? RUN_COUNTERS_TTL_SECS;
  }

  async record(runId: string, failed: boolean): Promise<BreakerWindow> {
    const bucket = this.#bucket();
    const [current, previous] = await Promise.all([
      this.#db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: windowKey(runId, bucket) },
          UpdateExpression: 'ADD samples :one, errors :failed SET #ttl = :ttl',
          ExpressionAttributeNames: { '#ttl': SessionTableKeys.TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':one': 1, ':failed': failed ? 1 : 0, ':ttl': this.#ttl() },
          ReturnValues: 'ALL_NEW',
        }),
      ),
      this.#db.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: windowKey(runId, bucket - 1) } })),
    ]);
    const count = (item: Record<string, unknown> | undefined, name: string) => (typeof item?.[name] === 'number' ? (item[name] as number) : 0);
    return {
      samples: count(current.Attributes, 'samples') + count(previous.Item, 'samples'),
      errors: count(current.Attributes, 'errors') + count(previous.Item, 'errors'),
    };
  }

  async trip(runId: string, trip: BreakerTrip): Promise<boolean> {
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: breakerKey(runId), open: true, ...trip, [SessionTableKeys.TTL_ATTRIBUTE]: this.#ttl() },
          ConditionExpression: 'attribute_not_exists(#pk) OR #open = :closed',
          ExpressionAttributeNames: { '#pk': PK, '#open': 'open' },
          ExpressionAttributeValues: { ':closed': false },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async state(runId: string): Promise<BreakerTrip | undefined> {
    const out = await this.#db.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: breakerKey(runId) }, ConsistentRead: true }));
    const item = out.Item;
    if (item?.open !== true) return undefined;
    return { reason: String(item.reason ?? 'unknown'), critical: item.critical === true, openedAt: Number(item.openedAt ?? 0) };
  }

  async reset(runId: string): Promise<void> {
    const bucket = this.#bucket();
    // The window goes too: the errors that opened the breaker must not open it again at once.
    await Promise.all([
      this.#db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: breakerKey(runId) },
          UpdateExpression: 'SET #open = :closed, #ttl = :ttl',
          ExpressionAttributeNames: { '#open': 'open', '#ttl': SessionTableKeys.TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':closed': false, ':ttl': this.#ttl() },
        }),
      ),
      ...[bucket, bucket - 1].map((b) => this.#db.send(new DeleteCommand({ TableName: this.tableName, Key: { [PK]: windowKey(runId, b) } }))),
    ]);
  }

  #bucket(): number {
    return Math.floor(this.#now() / this.#bucketMs);
  }

  #ttl(): number {
    return Math.floor(this.#now() / 1000) + this.#ttlSecs;
  }
}

function breakerKey(runId: string): string {
  return `${SessionTableKeys.BREAKER_PREFIX}${runId}`;
}

function windowKey(runId: string, bucket: number): string {
  return `${SessionTableKeys.BREAKER_WINDOW_PREFIX}${runId}#${bucket}`;
}
