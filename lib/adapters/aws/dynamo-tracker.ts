import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { TransientError } from '../../core/errors.js';
import type { DoneRecord, Tracker, TrackingRow } from '../../core/ports.js';
import { trackingRow } from '../../core/tracking-row.js';
import { VehicleStatus, type Vehicle } from '../../core/types.js';
import { TrackingTableKeys } from '../../contracts/index.js';
import { documentClient, isConditionalCheckFailed, retryDelayMs, sleep } from './aws-errors.js';
import {
  BATCH_GET_MAX_KEYS,
  BATCH_GET_MAX_TRIES,
  DEFAULT_REGISTER_CONCURRENCY,
  DEFAULT_UPDATE_BASE_DELAY_MS,
  MAX_ERROR_CHARS,
  MAX_KEY_BYTES,
  UPDATE_MAX_ROUNDS,
} from './constants.js';
import type { DynamoTrackerOptions } from './types.js';

type Failure = { error: string; reason: string; attempts: number };

/** A tracking item as stored: the TrackingRow fields (camelCase) plus durationMs. */
type TrackingItem = TrackingRow & { durationMs?: number };

const PK = TrackingTableKeys.PARTITION_KEY;
const SK = TrackingTableKeys.SORT_KEY;
const STATUS = TrackingTableKeys.STATUS_ATTRIBUTE;

/** Guard of every change to an existing row: it exists, and DONE is final. */
const NOT_DONE = 'attribute_exists(#pk) AND #status <> :done';

/**
 * Per-(runId, ref) tracking rows in the tracking table (partition `runId`, sort `ref`, GSI
 * `byStatus` on runId/status), with the SQLite tracker's semantics:
 * - `register` adds PENDING rows only for refs not yet tracked (conditional puts; existing
 *   refs are first filtered out with BatchGetItem so a resumed run costs reads, not writes);
 * - every update is conditional on the row existing and not being DONE: DONE is never
 *   touched again, `markDone` on a DONE row returns false;
 * - `attempts` only grows: the stored value is the max of what was stored and what was given.
 * No transactions and no TTL are used (dynalite has neither).
 */
export class DynamoTracker implements Tracker {
  readonly tableName: string;
  readonly statusIndexName: string;
  readonly #db: DynamoDBDocumentClient;
  readonly #now: () => number;
  readonly #concurrency: number;

  constructor(options: DynamoTrackerOptions) {
    this.tableName = options.tableName;
    this.statusIndexName = options.statusIndexName ?? TrackingTableKeys.STATUS_INDEX;
    this.#db = documentClient(options.client);
    this.#now = options.now ?? Date.now;
    this.#concurrency = Math.max(1, options.registerConcurrency ?? DEFAULT_REGISTER_CONCURRENCY);
  }

  async register(runId: string, vehicles: Vehicle[]): Promise<number> {
    const unique = firstOfEachRef(vehicles.map((v) => ({ ...v, ref: keyRef(v.ref) })));
    const known = await this.#existingRefs(runId, [...unique.keys()]);
    const now = this.#now();
    const items: TrackingItem[] = [];
    for (const v of unique.values()) {
      if (known.has(v.ref)) continue;
      const item: TrackingItem = { runId, ref: v.ref, status: VehicleStatus.PENDING, attempts: 0, updatedAt: now };
      if (v.file !== undefined) item.file = v.file;
      if (v.vin !== undefined) item.vin = v.vin;
      items.push(item);
    }
    return this.#putNew(items);
  }

  /** Refused refs become SKIPPED; a ref already tracked keeps its row (a rejected duplicate must not hide the valid one). */
  async registerSkipped(runId: string, skipped: { ref: string; reason: string }[]): Promise<void> {
    const now = this.#now();
    const unique = firstOfEachRef(skipped.map((s) => ({ ...s, ref: keyRef(s.ref) })));
    const items = [...unique.values()].map(
      (s): TrackingItem => ({
        runId,
        ref: s.ref,
        status: VehicleStatus.SKIPPED,
        attempts: 0,
        lastError: clip(s.reason),
        errorReason: clip(s.reason),
        finishedAt: now,
        updatedAt: now,
      }),
    );
    await this.#putNew(items);
  }

  async get(runId: string, ref: string): Promise<TrackingRow | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: runId, [SK]: ref }, ConsistentRead: true }),
    );
    return out.Item && trackingRow({ ...(out.Item as TrackingItem), attempts: (out.Item as TrackingItem).attempts ?? 0 });
  }

  async markInProgress(runId: string, ref: string, workerId: string): Promise<void> {
    const now = this.#now();
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: runId, [SK]: ref },
          UpdateExpression: 'SET #status = :inProgress, #workerId = :workerId, #startedAt = :now, #updatedAt = :now',
          ConditionExpression: NOT_DONE,
          ExpressionAttributeNames: {
            '#pk': PK,
            '#status': STATUS,
            '#workerId': 'workerId',
            '#startedAt': 'startedAt',
            '#updatedAt': 'updatedAt',
          },
          ExpressionAttributeValues: {
            ':done': VehicleStatus.DONE,
            ':inProgress': VehicleStatus.IN_PROGRESS,
            ':workerId': workerId,
            ':now': now,
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async markDone(runId: string, ref: string, done: DoneRecord): Promise<boolean> {
    const now = this.#now();
    const set: Record<string, unknown> = {
      [STATUS]: VehicleStatus.DONE,
      bytes: done.bytes,
      sha256: done.sha256,
      storageKey: done.storageKey,
      finishedAt: now,
      updatedAt: now,
    };
    if (done.workerId !== undefined) set.workerId = done.workerId;
    if (done.durationMs !== undefined) set.durationMs = done.durationMs;
    return this.#updateNotDone(runId, ref, set, done.attempts);
  }

  /** Never demotes a DONE row: a slow duplicate that fails after another worker succeeded changes nothing. */
  async markFailed(runId: string, ref: string, failure: Failure): Promise<void> {
    const now = this.#now();
    await this.#updateNotDone(
      runId,
      ref,
      { [STATUS]: VehicleStatus.FAILED, lastError: clip(failure.error), errorReason: failure.reason, finishedAt: now, updatedAt: now },
      failure.attempts,
    );
  }

  async recordError(runId: string, ref: string, failure: Failure): Promise<void> {
    await this.#updateNotDone(
      runId,
      ref,
      { lastError: clip(failure.error), errorReason: failure.reason, updatedAt: this.#now() },
      failure.attempts,
    );
  }

  /** One COUNT query per status on the `byStatus` index (paginated); every status present, zeros included. */
  async counts(runId: string): Promise<Record<VehicleStatus, number>> {
    const statuses = Object.values(VehicleStatus);
    const totals = await Promise.all(statuses.map((status) => this.#countStatus(runId, status)));
    return Object.fromEntries(statuses.map((status, i) => [status, totals[i] ?? 0])) as Record<VehicleStatus, number>;
  }

  /** Every row of a run, ordered by ref (DynamoDB's sort-key order: by UTF-8 bytes, as SQLite's BINARY). */
  async list(runId: string): Promise<TrackingRow[]> {
    const rows: TrackingRow[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :runId',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':runId': runId },
          ConsistentRead: true,
          ScanIndexForward: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) rows.push(trackingRow({ ...(item as TrackingItem), attempts: (item as TrackingItem).attempts ?? 0 }));
      start = out.LastEvaluatedKey;
    } while (start);
    return rows;
  }

  async #countStatus(runId: string, status: VehicleStatus): Promise<number> {
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: this.statusIndexName,
          KeyConditionExpression: '#pk = :runId AND #status = :status',
          ExpressionAttributeNames: { '#pk': PK, '#status': STATUS },
          ExpressionAttributeValues: { ':runId': runId, ':status': status },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      total += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return total;
  }

  /** Refs of `refs` that already have a row (BatchGetItem, 100 keys a call, unprocessed keys retried). */
  async #existingRefs(runId: string, refs: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    const limit = pLimit(this.#concurrency);
    const chunks: string[][] = [];
    for (let i = 0; i < refs.length; i += BATCH_GET_MAX_KEYS) chunks.push(refs.slice(i, i + BATCH_GET_MAX_KEYS));
    await Promise.all(
      chunks.map((chunk) =>
        limit(async () => {
          let keys: Record<string, unknown>[] = chunk.map((ref) => ({ [PK]: runId, [SK]: ref }));
          for (let attempt = 1; keys.length > 0; attempt += 1) {
            if (attempt > BATCH_GET_MAX_TRIES) {
              throw new TransientError(`tracking table ${this.tableName}: ${keys.length} keys still unprocessed after ${BATCH_GET_MAX_TRIES} BatchGetItem tries`, 'throttled');
            }
            if (attempt > 1) await sleep(retryDelayMs(DEFAULT_UPDATE_BASE_DELAY_MS, attempt - 1));
            const out = await this.#db.send(
              new BatchGetCommand({
                RequestItems: {
                  [this.tableName]: {
                    Keys: keys,
                    ConsistentRead: true,
                    ProjectionExpression: '#sk',
                    ExpressionAttributeNames: { '#sk': SK },
                  },
                },
              }),
            );
            for (const item of out.Responses?.[this.tableName] ?? []) known.add(String(item[SK]));
            keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
          }
        }),
      ),
    );
    return known;
  }

  /** Conditional puts (`attribute_not_exists(ref)`), bounded concurrency. Returns how many were written. */
  async #putNew(items: TrackingItem[]): Promise<number> {
    const limit = pLimit(this.#concurrency);
    const written = await Promise.all(
      items.map((item) =>
        limit(async () => {
          try {
            await this.#db.send(
              new PutCommand({
                TableName: this.tableName,
                Item: item,
                ConditionExpression: 'attribute_not_exists(#sk)',
                ExpressionAttributeNames: { '#sk': SK },
              }),
            );
            return 1;
          } catch (error) {
            if (isConditionalCheckFailed(error)) return 0;
            throw error;
          }
        }),
      ),
    );
    return written.reduce<number>((a, b) => a + b, 0);
  }

  /**
   * SET `set` on an existing, not-DONE row, and `attempts` to MAX(stored, attempts). DynamoDB has
   * no MAX, so: try raising attempts (condition: stored <= given), then keeping it (stored >
   * given); if both conditions fail, the row is DONE or missing (false) or attempts moved
   * between the two (another round).
   */
  async #updateNotDone(runId: string, ref: string, set: Record<string, unknown>, attempts: number): Promise<boolean> {
    const names: Record<string, string> = { '#pk': PK, '#status': STATUS, '#attempts': 'attempts' };
    const values: Record<string, unknown> = { ':done': VehicleStatus.DONE, ':attempts': attempts };
    const assignments: string[] = [];
    for (const [i, [attribute, value]] of Object.entries(set).entries()) {
      const name = attribute === STATUS ? '#status' : `#a${i}`;
      names[name] = attribute;
      values[`:v${i}`] = value;
      assignments.push(`${name} = :v${i}`);
    }
    const variants = [
      {
        update: `SET ${[...assignments, '#attempts = :attempts'].join(', ')}`,
        condition: `${NOT_DONE} AND (attribute_not_exists(#attempts) OR #attempts <= :attempts)`,
      },
      { update: `SET ${assignments.join(', ')}`, condition: `${NOT_DONE} AND #attempts > :attempts` },
    ];
    for (let round = 0; round < UPDATE_MAX_ROUNDS; round += 1) {
      for (const variant of variants) {
        try {
          await this.#db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { [PK]: runId, [SK]: ref },
              UpdateExpression: variant.update,
              ConditionExpression: variant.condition,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          );
          return true;
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      const row = await this.get(runId, ref);
      if (!row || row.status === VehicleStatus.DONE) return false;
    }
    throw new TransientError(`tracking row ${runId}/${ref}: update kept racing on attempts`, 'contention');
  }
}


/** The first entry per ref, in input order (a duplicate ref must not race its first row). */
function firstOfEachRef<T extends { ref: string }>(entries: T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const entry of entries) if (!map.has(entry.ref)) map.set(entry.ref, entry);
  return map;
}

/**
 * A sort key is a non-empty string of at most 1024 bytes. Valid refs always fit (64 chars);
 * refused refs recorded as SKIPPED may not: empty becomes `(empty ref)`, long ones are cut.
 */
function keyRef(ref: string): string {
  if (ref === '') return '(empty ref)';
  if (Buffer.byteLength(ref) <= MAX_KEY_BYTES) return ref;
  let cut = ref.slice(0, MAX_KEY_BYTES);
  while (Buffer.byteLength(cut) > MAX_KEY_BYTES - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}

function clip(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 3)}...` : text;
}
