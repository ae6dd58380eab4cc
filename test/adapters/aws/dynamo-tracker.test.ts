import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoTracker } from '../../../lib/adapters/aws/index.js';
import { trackerContract } from '../../contracts/tracker.contract.js';
import { createCloudResources, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { vehicles } from './helpers.js';

useEmulators();

const zero = { PENDING: 0, IN_PROGRESS: 0, DONE: 0, FAILED: 0, SKIPPED: 0 };

/** One tracking table for the file: the contract gives every test runs of its own. */
let shared: Promise<CloudResources> | undefined;
const resources = () => (shared ??= createCloudResources('tracker'));

trackerContract('DynamoTracker (dynalite)', async (clock) => {
  const res = await resources();
  return { tracker: new DynamoTracker({ client: res.clients.dynamodb, tableName: res.trackingTable, now: clock.now }) };
});

describe('DynamoTracker (dynalite): the table', () => {
  let res: CloudResources;
  let tracker: DynamoTracker;
  let run = 0;
  const newRun = () => `table-run-${++run}`;

  beforeAll(async () => {
    res = await resources();
    tracker = new DynamoTracker({ client: res.clients.dynamodb, tableName: res.trackingTable });
  });

  it('registers 20,000 refs and lists and counts them across pages of the table and the byStatus index', async () => {
    const runId = newRun();
    expect(await tracker.register(runId, vehicles(20_000))).toBe(20_000);
    expect(await tracker.register(runId, vehicles(20_000))).toBe(0);
    const rows = await tracker.list(runId);
    expect(rows).toHaveLength(20_000);
    expect(rows[0]?.ref).toBe('R00001');
    expect(rows.at(-1)?.ref).toBe('R20000');
    expect(rows.every((r, i) => i === 0 || rows[i - 1]!.ref < r.ref)).toBe(true);
    expect(await tracker.counts(runId)).toEqual({ ...zero, PENDING: 20_000 });
    // The index holds more than one 1 MB page for this run: counts() above had to follow LastEvaluatedKey.
    const firstPage = await res.clients.dynamodb.send(
      new QueryCommand({
        TableName: res.trackingTable,
        IndexName: 'byStatus',
        KeyConditionExpression: 'runId = :r AND #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':r': { S: runId }, ':s': { S: 'PENDING' } },
        Select: 'COUNT',
      }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(firstPage.Count).toBeLessThan(20_000);
  }, 180_000);

  it('records skipped refs that cannot be sort keys under a key that can (empty: "(empty ref)", long: cut)', async () => {
    const runId = newRun();
    await tracker.register(runId, vehicles(1));
    await tracker.registerSkipped(runId, [
      { ref: 'bad ref', reason: 'unsafe ref "bad ref": contains whitespace' },
      { ref: '', reason: 'empty ref' },
      { ref: 'x'.repeat(2_000), reason: 'too long' },
    ]);
    expect(await tracker.counts(runId)).toEqual({ ...zero, PENDING: 1, SKIPPED: 3 });
    expect(await tracker.get(runId, 'bad ref')).toMatchObject({ status: 'SKIPPED', errorReason: 'unsafe ref "bad ref": contains whitespace' });
    expect(await tracker.get(runId, '(empty ref)')).toMatchObject({ status: 'SKIPPED', lastError: 'empty ref' });
    const refs = (await tracker.list(runId)).map((r) => r.ref);
    expect(refs.slice(0, 2)).toEqual(['(empty ref)', 'R00001']);
    expect(refs.at(-1)).toMatch(/^x+\.\.\.$/);
    expect(Buffer.byteLength(refs.at(-1)!)).toBeLessThanOrEqual(1024);
  });
});
