import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoTracker } from '../../../lib/adapters/aws/index.js';
import { VehicleStatus } from '../../../lib/core/types.js';
import { createCloudResources, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { manualClock, vehicles } from './helpers.js';

useEmulators();

const doneRecord = (ref: string) => ({ bytes: 1234, sha256: 'f'.repeat(64), storageKey: `runs/r/pdfs/${ref}.pdf`, attempts: 1, workerId: 'w3', durationMs: 850 });
const zero = { PENDING: 0, IN_PROGRESS: 0, DONE: 0, FAILED: 0, SKIPPED: 0 };

describe('DynamoTracker (dynalite)', () => {
  let res: CloudResources;
  let tracker: DynamoTracker;
  const clock = manualClock();
  let run = 0;
  const newRun = () => `run-${++run}`;

  beforeAll(async () => {
    res = await createCloudResources('tracker');
    tracker = new DynamoTracker({ client: res.clients.dynamodb, tableName: res.trackingTable, now: clock.now });
  });

  it('registers 2,000 refs, then only new refs the second time; counts them on the byStatus index', async () => {
    const runId = newRun();
    expect(await tracker.register(runId, vehicles(2_000))).toBe(2_000);
    expect(await tracker.register(runId, vehicles(2_100))).toBe(100);
    expect(await tracker.register(runId, vehicles(2_100))).toBe(0);
    expect(await tracker.counts(runId)).toEqual({ ...zero, PENDING: 2_100 });
    // Another run's rows are counted apart.
    expect(await tracker.counts(newRun())).toEqual(zero);
  });

  it('registers 20,000 refs (timed) and lists them in ref order across pages', async () => {
    const runId = newRun();
    const started = performance.now();
    expect(await tracker.register(runId, vehicles(20_000))).toBe(20_000);
    const ms = Math.round(performance.now() - started);
    const again = performance.now();
    expect(await tracker.register(runId, vehicles(20_000))).toBe(0);
    const againMs = Math.round(performance.now() - again);
    console.log(`[tracker] register 20,000 refs: ${ms} ms (again, all known: ${againMs} ms)`);
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

  it('keeps the first of duplicate refs and never overwrites an existing row on register', async () => {
    const runId = newRun();
    expect(await tracker.register(runId, [{ ref: 'A', vin: '1HGCM82633A004352' }, { ref: 'A', vin: '2HGCM82633A004352' }])).toBe(1);
    expect(await tracker.markDone(runId, 'A', doneRecord('A'))).toBe(true);
    expect(await tracker.register(runId, [{ ref: 'A' }, { ref: 'B' }])).toBe(1);
    const a = await tracker.get(runId, 'A');
    expect(a?.status).toBe('DONE');
    expect(a?.vin).toBe('1HGCM82633A004352');
  });

  it('runs a row through its states, with attempts kept as a maximum', async () => {
    const runId = newRun();
    await tracker.register(runId, [{ ref: 'R1', vin: '1HGCM82633A004352' }]);
    expect(await tracker.get(runId, 'R1')).toEqual({ runId, ref: 'R1', vin: '1HGCM82633A004352', status: 'PENDING', attempts: 0, updatedAt: clock.now() });

    clock.advance(1_000);
    await tracker.markInProgress(runId, 'R1', 'w1');
    expect(await tracker.get(runId, 'R1')).toMatchObject({ status: 'IN_PROGRESS', workerId: 'w1', startedAt: clock.now() });

    await tracker.recordError(runId, 'R1', { error: 'HTTP 503', reason: 'http_5xx', attempts: 2 });
    expect(await tracker.get(runId, 'R1')).toMatchObject({ status: 'IN_PROGRESS', attempts: 2, lastError: 'HTTP 503', errorReason: 'http_5xx' });
    // A late, lower attempts count does not lower it.
    await tracker.recordError(runId, 'R1', { error: 'timeout', reason: 'timeout', attempts: 1 });
    expect(await tracker.get(runId, 'R1')).toMatchObject({ attempts: 2, lastError: 'timeout' });

    clock.advance(1_000);
    expect(await tracker.markDone(runId, 'R1', { ...doneRecord('R1'), attempts: 1 })).toBe(true);
    const done = await tracker.get(runId, 'R1');
    expect(done).toMatchObject({ status: 'DONE', attempts: 2, bytes: 1234, sha256: 'f'.repeat(64), storageKey: 'runs/r/pdfs/R1.pdf', workerId: 'w3', finishedAt: clock.now() });
  });

  it('markDone is conditional: the second one returns false and changes nothing', async () => {
    const runId = newRun();
    await tracker.register(runId, [{ ref: 'R1' }]);
    const [a, b] = await Promise.all([
      tracker.markDone(runId, 'R1', { ...doneRecord('R1'), workerId: 'first' }),
      tracker.markDone(runId, 'R1', { ...doneRecord('R1'), workerId: 'second' }),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const before = await tracker.get(runId, 'R1');
    clock.advance(5_000);
    expect(await tracker.markDone(runId, 'R1', { ...doneRecord('R1'), bytes: 1, attempts: 9 })).toBe(false);
    expect(await tracker.get(runId, 'R1')).toEqual(before);
    // A ref that was never registered is not created by markDone.
    expect(await tracker.markDone(runId, 'NOPE', doneRecord('NOPE'))).toBe(false);
    expect(await tracker.get(runId, 'NOPE')).toBeUndefined();
  });

  it('never downgrades DONE: markFailed, recordError and markInProgress leave a DONE row alone', async () => {
    const runId = newRun();
    await tracker.register(runId, [{ ref: 'R1' }, { ref: 'R2' }]);
    await tracker.markDone(runId, 'R1', doneRecord('R1'));
    const done = await tracker.get(runId, 'R1');
    clock.advance(1_000);
    await tracker.markFailed(runId, 'R1', { error: 'late duplicate failed', reason: 'timeout', attempts: 5 });
    await tracker.recordError(runId, 'R1', { error: 'late', reason: 'timeout', attempts: 6 });
    await tracker.markInProgress(runId, 'R1', 'w9');
    expect(await tracker.get(runId, 'R1')).toEqual(done);

    await tracker.markFailed(runId, 'R2', { error: 'no such vehicle', reason: 'not_found', attempts: 3 });
    expect(await tracker.get(runId, 'R2')).toMatchObject({ status: 'FAILED', attempts: 3, lastError: 'no such vehicle', errorReason: 'not_found', finishedAt: clock.now() });
    // Untracked refs stay untracked.
    await tracker.markFailed(runId, 'GHOST', { error: 'x', reason: 'x', attempts: 1 });
    await tracker.markInProgress(runId, 'GHOST', 'w1');
    expect(await tracker.get(runId, 'GHOST')).toBeUndefined();
  });

  it('records skipped refs without hiding a tracked one, and counts every status', async () => {
    const runId = newRun();
    await tracker.register(runId, vehicles(6));
    await tracker.registerSkipped(runId, [
      { ref: 'R00001', reason: 'duplicate of line 2' },
      { ref: 'bad ref', reason: 'unsafe ref "bad ref": contains whitespace' },
      { ref: '', reason: 'empty ref' },
      { ref: 'x'.repeat(2_000), reason: 'too long' },
    ]);
    await tracker.markInProgress(runId, 'R00002', 'w1');
    await tracker.markDone(runId, 'R00003', doneRecord('R00003'));
    await tracker.markDone(runId, 'R00004', doneRecord('R00004'));
    await tracker.markFailed(runId, 'R00005', { error: 'gone', reason: 'not_found', attempts: 1 });
    expect(await tracker.counts(runId)).toEqual({ PENDING: 2, IN_PROGRESS: 1, DONE: 2, FAILED: 1, SKIPPED: 3 });
    expect(await tracker.get(runId, 'R00001')).toMatchObject({ status: 'PENDING' });
    expect(await tracker.get(runId, 'bad ref')).toMatchObject({ status: 'SKIPPED', errorReason: 'unsafe ref "bad ref": contains whitespace' });
    expect(await tracker.get(runId, '(empty ref)')).toMatchObject({ status: 'SKIPPED', lastError: 'empty ref' });
    const refs = (await tracker.list(runId)).map((r) => r.ref);
    expect(refs.slice(0, 2)).toEqual(['(empty ref)', 'R00001']);
    expect(refs.at(-1)).toMatch(/^x+\.\.\.$/);
    expect(refs).toEqual([...refs].sort());
  });
});
