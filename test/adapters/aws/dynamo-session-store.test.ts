import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoSessionStore } from '../../../lib/adapters/aws/index.js';
import { SessionManager } from '../../../lib/core/portal/session-manager.js';
import { createCloudResources, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { cookie, manualClock, session } from './helpers.js';

useEmulators();

describe('DynamoSessionStore (dynalite)', () => {
  let res: CloudResources;
  beforeAll(async () => {
    res = await createCloudResources('session');
  });
  /** A store on its own fresh table, so a test starts with no session and no lock. */
  const fresh = async (now?: () => number) => {
    const own = await createCloudResources('session');
    return { store: new DynamoSessionStore({ client: own.clients.dynamodb, tableName: own.sessionTable, now }), own };
  };

  it('stores only a newer version (conditional put), read back strongly consistent', async () => {
    const store = new DynamoSessionStore({ client: res.clients.dynamodb, tableName: res.sessionTable });
    expect(await store.get()).toBeUndefined();
    expect(await store.put(session(1))).toBe(true);
    expect(await store.put(session(1, 'other'))).toBe(false);
    expect(await store.put(session(0))).toBe(false);
    expect(await store.get()).toEqual(session(1));
    expect(await store.put(session(3))).toBe(true);
    expect((await store.get())?.version).toBe(3);
    expect((await store.get())?.cookies).toEqual([cookie('v3')]);
  });

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

  it('locks for one owner at a time; the owner may extend it; only the owner unlocks', async () => {
    const { store } = await fresh();
    expect(await store.tryLock('a', 10_000)).toBe(true);
    expect(await store.tryLock('b', 10_000)).toBe(false);
    expect(await store.tryLock('a', 10_000)).toBe(true);
    await store.unlock('b');
    expect(await store.tryLock('b', 10_000)).toBe(false);
    await store.unlock('a');
    expect(await store.tryLock('b', 10_000)).toBe(true);
  });

  it('lets another owner take an expired lock, and the old owner cannot unlock it then', async () => {
    const clock = manualClock();
    const { store, own } = await fresh(clock.now);
    expect(await store.tryLock('crashed', 1_000)).toBe(true);
    clock.advance(999);
    expect(await store.tryLock('b', 1_000)).toBe(false);
    clock.advance(1);
    expect(await store.tryLock('b', 1_000)).toBe(true);
    await store.unlock('crashed');
    expect(await store.tryLock('c', 1_000)).toBe(false);
    const raw = await own.clients.dynamodb.send(new GetItemCommand({ TableName: own.sessionTable, Key: { pk: { S: 'refresh-lock' } }, ConsistentRead: true }));
    expect(raw.Item?.owner).toEqual({ S: 'b' });
    expect(Number(raw.Item?.expiresAtMs?.N)).toBe(clock.now() + 1_000);
    expect(Number(raw.Item?.ttl?.N)).toBeGreaterThan((clock.now() + 1_000) / 1000);
  });

  it('gives the lock to exactly one of many concurrent callers (two stores, one table)', async () => {
    const { store, own } = await fresh();
    const other = new DynamoSessionStore({ client: own.clients.dynamodb, tableName: own.sessionTable });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).tryLock(`w${i}`, 5_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('makes SessionManager single-flight across two managers (two containers) sharing the table', async () => {
    const { own } = await fresh();
    // Separate store instances, as two Lambda containers would have.
    const storeA = new DynamoSessionStore({ client: own.clients.dynamodb, tableName: own.sessionTable });
    const storeB = new DynamoSessionStore({ client: own.clients.dynamodb, tableName: own.sessionTable });
    let logins = 0;
    const login = async () => {
      logins += 1;
      await new Promise((r) => setTimeout(r, 100));
      return [cookie(`token-${logins}`)];
    };
    const one = new SessionManager({ store: storeA, login, pollMs: 10, ownerId: 'container-a' });
    const two = new SessionManager({ store: storeB, login, pollMs: 10, ownerId: 'container-b' });

    const first = await Promise.all([one.refresh(0), two.refresh(0), one.current(), two.current()]);
    expect(logins).toBe(1);
    expect(new Set(first.map((s) => s.version))).toEqual(new Set([1]));
    expect(first.every((s) => s.cookies[0]?.value === 'token-1')).toBe(true);

    // Both see the session expire (version 1): one more login in all, everyone gets version 2.
    const second = await Promise.all([one.refresh(1), two.refresh(1), two.refresh(1), one.refresh(1)]);
    expect(logins).toBe(2);
    expect(new Set(second.map((s) => s.version))).toEqual(new Set([2]));
    expect(one.loginCount + two.loginCount).toBe(2);
    expect((await storeA.get())?.cookies[0]?.value).toBe('token-2');
    // The lock was released: anyone can take it now.
    expect(await storeB.tryLock('someone-else', 1_000)).toBe(true);
  });
});
