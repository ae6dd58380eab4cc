import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoSessionStore } from '../../../lib/adapters/aws/index.js';
import { sessionStoreContract } from '../../contracts/session-store.contract.js';
import { createCloudResources, useEmulators } from '../../emulators/aws-env.js';
import { cookie, manualClock, session } from './helpers.js';

useEmulators();

/** A store on its own fresh table: no session and no lock yet. */
const fresh = async (now?: () => number) => {
  const own = await createCloudResources('session');
  const open = () => new DynamoSessionStore({ client: own.clients.dynamodb, tableName: own.sessionTable, ...(now ? { now } : {}) });
  return { store: open(), open, own };
};

// Two store instances on one table, as two Lambda containers have.
sessionStoreContract('DynamoSessionStore (dynalite)', async (clock) => {
  const { store, open } = await fresh(clock.now);
  return { store, sameStore: open };
});

describe('DynamoSessionStore (dynalite): the items', () => {
  it('writes the item layout of the contract: pk, version (N), cookies as JSON, createdAt, ttl ~12 h ahead', async () => {
    const clock = manualClock();
    const { store, own } = await fresh(clock.now);
    await store.put(session(7));
    const raw = await own.clients.dynamodb.send(new GetItemCommand({ TableName: own.sessionTable, Key: { pk: { S: 'session' } } }));
    expect(raw.Item?.version).toEqual({ N: '7' });
    expect(JSON.parse(raw.Item?.cookies?.S ?? '')).toEqual([cookie('v7')]);
    expect(raw.Item?.createdAt).toEqual({ N: String(session(7).createdAt) });
    expect(Number(raw.Item?.ttl?.N)).toBe(Math.floor(clock.now() / 1000) + 12 * 3600);
  });

  it('keeps the lock in its own item: owner, expiry and a ttl past it', async () => {
    const clock = manualClock();
    const { store, own } = await fresh(clock.now);
    expect(await store.tryLock('b', 1_000)).toBe(true);
    const raw = await own.clients.dynamodb.send(new GetItemCommand({ TableName: own.sessionTable, Key: { pk: { S: 'refresh-lock' } }, ConsistentRead: true }));
    expect(raw.Item?.owner).toEqual({ S: 'b' });
    expect(Number(raw.Item?.expiresAtMs?.N)).toBe(clock.now() + 1_000);
    expect(Number(raw.Item?.ttl?.N)).toBeGreaterThan((clock.now() + 1_000) / 1000);
    await store.unlock('b');
    const gone = await own.clients.dynamodb.send(new GetItemCommand({ TableName: own.sessionTable, Key: { pk: { S: 'refresh-lock' } }, ConsistentRead: true }));
    expect(gone.Item).toBeUndefined();
  });
});
