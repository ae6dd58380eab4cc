import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoBreakerStore } from '../../../lib/adapters/aws/index.js';
import { breakerStoreContract } from '../../contracts/breaker-store.contract.js';
import { circuitBreakerContract } from '../../contracts/circuit-breaker.contract.js';
import { createCloudResources, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { manualClock } from './helpers.js';

useEmulators();

/** One session table for the file: the contract gives every test runs of its own. */
let shared: Promise<CloudResources> | undefined;
const resources = () => (shared ??= createCloudResources('breaker'));

// Two store instances on one table, as two Lambda containers have.
breakerStoreContract('DynamoBreakerStore (dynalite)', async (clock) => {
  const res = await resources();
  const open = () => new DynamoBreakerStore({ client: res.clients.dynamodb, tableName: res.sessionTable, now: clock.now });
  return { store: open(), sameStore: open };
});

describe('DynamoBreakerStore (dynalite): the items', () => {
  it('keeps a bucket item per 10 s and a breaker item, each with a ttl 30 days ahead', async () => {
    const res = await resources();
    const clock = manualClock(Date.UTC(2024, 4, 31, 10, 0, 5));
    const store = new DynamoBreakerStore({ client: res.clients.dynamodb, tableName: res.sessionTable, now: clock.now });
    await store.record('items-run', true);
    await store.trip('items-run', { reason: 'http_503: down', critical: false, openedAt: clock.now() });
    const ttl = Math.floor(clock.now() / 1000) + 30 * 86_400;
    const bucket = Math.floor(clock.now() / 10_000);
    const get = (pk: string) => res.clients.dynamodb.send(new GetItemCommand({ TableName: res.sessionTable, Key: { pk: { S: pk } }, ConsistentRead: true }));
    const window = (await get(`breaker-window#items-run#${bucket}`)).Item;
    expect(window).toMatchObject({ samples: { N: '1' }, errors: { N: '1' }, ttl: { N: String(ttl) } });
    const breaker = (await get('breaker#items-run')).Item;
    expect(breaker).toMatchObject({ open: { BOOL: true }, reason: { S: 'http_503: down' }, ttl: { N: String(ttl) } });
  });
});

let runs = 0;
circuitBreakerContract('the DynamoDB store (dynalite), a store per container', {
  store: async () => {
    const res = await resources();
    return new DynamoBreakerStore({ client: res.clients.dynamodb, tableName: res.sessionTable });
  },
  runId: () => {
    runs += 1;
    return `breaker-contract-${runs}`;
  },
});
