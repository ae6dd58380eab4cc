import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoRunCounters } from '../../../lib/adapters/aws/index.js';
import { createCloudResources, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { manualClock } from './helpers.js';

useEmulators();

describe('DynamoRunCounters (dynalite)', () => {
  let res: CloudResources;
  beforeAll(async () => {
    res = await createCloudResources('counters');
  });

  it('starts at zero for every counter', async () => {
    const counters = new DynamoRunCounters({ client: res.clients.dynamodb, tableName: res.sessionTable });
    expect(await counters.get('run-none')).toEqual({ retries: 0, browser_restarts: 0, wrong_documents_rejected: 0, duplicates: 0 });
  });

  it('adds atomically from many containers at once, per run', async () => {
    // Two instances, as two Lambda containers would have.
    const a = new DynamoRunCounters({ client: res.clients.dynamodb, tableName: res.sessionTable });
    const b = new DynamoRunCounters({ client: res.clients.dynamodb, tableName: res.sessionTable });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).add('run-1', i % 4 === 0 ? { retries: 1, duplicates: 2 } : { retries: 1 })),
    );
    await a.add('run-1', { wrong_documents_rejected: 1, browser_restarts: 0 });
    await a.add('run-2', { retries: 5 });
    await a.add('run-2', {});
    expect(await b.get('run-1')).toEqual({ retries: 40, browser_restarts: 0, wrong_documents_rejected: 1, duplicates: 20 });
    expect(await b.get('run-2')).toEqual({ retries: 5, browser_restarts: 0, wrong_documents_rejected: 0, duplicates: 0 });
  });

  it('keeps its item apart from the session and refreshes its ttl on each add', async () => {
    const clock = manualClock();
    const counters = new DynamoRunCounters({ client: res.clients.dynamodb, tableName: res.sessionTable, now: clock.now });
    await counters.add('run-ttl', { retries: 1 });
    clock.advance(86_400_000);
    await counters.add('run-ttl', { retries: 1 });
    const raw = await res.clients.dynamodb.send(new GetItemCommand({ TableName: res.sessionTable, Key: { pk: { S: 'run-counters#run-ttl' } } }));
    expect(raw.Item?.retries).toEqual({ N: '2' });
    expect(Number(raw.Item?.ttl?.N)).toBe(Math.floor(clock.now() / 1000) + 30 * 86_400);
  });
});
