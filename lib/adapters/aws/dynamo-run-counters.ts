import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SessionTableKeys } from '../../contracts/index.js';
import { documentClient } from './aws-errors.js';
import { COUNTER_NAMES, type CounterValues, type RunCounterStore } from '../../core/ports.js';
import { RUN_COUNTERS_TTL_SECS } from './constants.js';
import type { DynamoRunCountersOptions } from './types.js';

const PK = SessionTableKeys.PARTITION_KEY;

/**
 * The report's run-wide tallies that no tracking row holds (retries, rejected documents,
 * duplicates, ...: COUNTER_NAMES), shared by every Lambda container of a run: one item
 * `pk='run-counters#<runId>'` in the session table, incremented with atomic `ADD`s (no read,
 * no lost update between containers), with a `ttl` 30 days after its last change.
 */
export class DynamoRunCounters implements RunCounterStore {
  readonly tableName: string;
  readonly #db: DynamoDBDocumentClient;
  readonly #now: () => number;
  readonly #ttlSecs: number;

  constructor(options: DynamoRunCountersOptions) {
    this.tableName = options.tableName;
    this.#db = documentClient(options.client);
    this.#now = options.now ?? Date.now;
    this.#ttlSecs = options.ttlSecs ?? RUN_COUNTERS_TTL_SECS;
  }

  /** Add to some counters of a run (zeros are ignored). */
  async add(runId: string, increments: Partial<CounterValues>): Promise<void> {
    const names: Record<string, string> = { '#ttl': SessionTableKeys.TTL_ATTRIBUTE };
    const values: Record<string, unknown> = { ':ttl': Math.floor(this.#now() / 1000) + this.#ttlSecs };
    const adds: string[] = [];
    for (const [i, name] of COUNTER_NAMES.entries()) {
      const by = increments[name];
      if (by === undefined || by === 0 || !Number.isFinite(by)) continue;
      names[`#c${i}`] = name;
      values[`:c${i}`] = by;
      adds.push(`#c${i} :c${i}`);
    }
    if (adds.length === 0) return;
    await this.#db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [PK]: itemKey(runId) },
        UpdateExpression: `ADD ${adds.join(', ')} SET #ttl = :ttl`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** The run's counters, zeros for those never added to (strongly consistent). */
  async get(runId: string): Promise<CounterValues> {
    const out = await this.#db.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: itemKey(runId) }, ConsistentRead: true }));
    const item = out.Item ?? {};
    const counters = {} as CounterValues;
    for (const name of COUNTER_NAMES) counters[name] = typeof item[name] === 'number' ? item[name] : 0;
    return counters;
  }
}

function itemKey(runId: string): string {
  return `${SessionTableKeys.RUN_COUNTERS_PREFIX}${runId}`;
}
