import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoRunCounters } from '../../../lib/adapters/aws/index.js';
import { createCloudResources, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { runCounterStoreContract } from '../../contracts/run-counter-store.contract.js';
import { manualClock } from './helpers.js';

useEmulators();

describe('DynamoRunCounters (dynalite)', () => {
  let res: CloudResources;
  beforeAll(async () => {
    res = await createCloudResources('counters');
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

let runs = 0;
let shared: CloudResources | undefined;
runCounterStoreContract('DynamoDB (dynalite), two containers on one table', {
  stores: async () => {
    shared ??= await createCloudResources('counters-contract');
    const make = () => new DynamoRunCounters({ client: shared!.clients.dynamodb, tableName: shared!.sessionTable });
    return [make(), make()];
  },
  runId: () => {
    runs += 1;
    return `contract-${runs}`;
  },
});
