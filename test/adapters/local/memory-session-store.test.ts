import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../lib/adapters/local/index.js';
import type { PortalSession } from '../../../lib/core/types.js';
import { manualClock } from './helpers.js';

const session = (version: number, value = `v${version}`): PortalSession => ({
  version,
  createdAt: 1,
  cookies: [{ name: 'sid', value, domain: 'x', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }],
});

describe('MemorySessionStore', () => {
  it('stores only a newer version', async () => {
    const store = new MemorySessionStore();
    expect(await store.get()).toBeUndefined();
    expect(await store.put(session(1))).toBe(true);
    expect(await store.put(session(1, 'other'))).toBe(false);
    expect(await store.put(session(0))).toBe(false);
    expect((await store.get())?.cookies[0]?.value).toBe('v1');
    expect(await store.put(session(3))).toBe(true);
    expect((await store.get())?.version).toBe(3);
  });

  it('hands out copies: a caller changing its cookies does not change the stored session', async () => {
    const store = new MemorySessionStore();
    const mine = session(1);
    await store.put(mine);
    mine.cookies[0]!.value = 'mutated';
    const read = (await store.get())!;
    read.cookies[0]!.value = 'mutated too';
    expect((await store.get())?.cookies[0]?.value).toBe('v1');
  });

  it('locks for one owner at a time; only the owner unlocks', async () => {
    const store = new MemorySessionStore();
    expect(await store.tryLock('a', 10_000)).toBe(true);
    expect(await store.tryLock('b', 10_000)).toBe(false);
    expect(await store.tryLock('a', 10_000)).toBe(true); // the owner may extend it
    await store.unlock('b');
    expect(await store.tryLock('b', 10_000)).toBe(false);
    await store.unlock('a');
    expect(await store.tryLock('b', 10_000)).toBe(true);
  });

  it('lets another owner take an expired lock, and the old owner cannot unlock it then', async () => {
    const clock = manualClock();
    const store = new MemorySessionStore({ now: clock.now });
    expect(await store.tryLock('crashed', 1_000)).toBe(true);
    clock.advance(999);
    expect(await store.tryLock('b', 1_000)).toBe(false);
    clock.advance(1);
    expect(await store.tryLock('b', 1_000)).toBe(true);
    await store.unlock('crashed');
    expect(await store.tryLock('c', 1_000)).toBe(false);
  });

  it('gives the lock to exactly one of many concurrent callers', async () => {
    const store = new MemorySessionStore();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.tryLock(`w${i}`, 5_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
