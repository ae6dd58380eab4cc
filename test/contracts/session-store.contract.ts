import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../lib/core/ports.js';
import { SessionManager } from '../../lib/core/portal/session-manager.js';
import { cookie, manualClock, session, type ManualClock } from '../helpers/factories.js';

export interface SessionStoreFixture {
  /** A store with no session and no lock yet. */
  store: SessionStore;
  /** Another handle on the same session and lock, as a second worker or container has. */
  sameStore(): SessionStore;
  close?: () => void | Promise<void>;
}

export type SessionStoreSetup = (clock: ManualClock) => SessionStoreFixture | Promise<SessionStoreFixture>;

/**
 * What every SessionStore promises (lib/core/ports.ts): only a newer session version replaces
 * the stored one, and the refresh lock has one owner at a time, who may extend and release
 * it, and whom anyone may replace once it expired. Together they make login single-flight.
 */
export function sessionStoreContract(name: string, setup: SessionStoreSetup): void {
  describe(`${name} (SessionStore contract)`, () => {
    let fixture: SessionStoreFixture;
    let store: SessionStore;
    let clock: ManualClock;

    beforeEach(async () => {
      clock = manualClock();
      fixture = await setup(clock);
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.close?.();
    });

    it('stores only a newer version, and gives back what was stored', async () => {
      expect(await store.get()).toBeUndefined();
      expect(await store.put(session(1))).toBe(true);
      expect(await store.put(session(1, 'other'))).toBe(false);
      expect(await store.put(session(0))).toBe(false);
      expect(await store.get()).toEqual(session(1));
      expect(await store.put(session(3))).toBe(true);
      expect(await store.get()).toEqual(session(3));
    });

    it('shows every handle the session another one stored', async () => {
      await store.put(session(2));
      const other = fixture.sameStore();
      expect(await other.get()).toEqual(session(2));
      expect(await other.put(session(2, 'late login'))).toBe(false);
      expect(await other.put(session(3))).toBe(true);
      expect((await store.get())?.cookies).toEqual([cookie('v3')]);
    });

    it('hands out copies: a caller changing its cookies does not change the stored session', async () => {
      const mine = session(1);
      await store.put(mine);
      mine.cookies[0]!.value = 'mutated';
      const read = (await store.get())!;
      read.cookies[0]!.value = 'mutated too';
      expect((await store.get())?.cookies).toEqual([cookie('v1')]);
    });

    it('marks the stored session served, for every handle, and never another version', async () => {
      await store.put({ ...session(4), fruitlessLogins: 2 });
      expect(await store.get()).toEqual({ ...session(4), fruitlessLogins: 2 });
      await fixture.sameStore().markServed(3);
      expect((await store.get())?.served).toBeUndefined();
      await fixture.sameStore().markServed(4);
      expect(await store.get()).toEqual({ ...session(4), fruitlessLogins: 2, served: true });
      // A newer login starts unserved.
      await store.put({ ...session(5), fruitlessLogins: 0 });
      expect(await store.get()).toEqual({ ...session(5), fruitlessLogins: 0 });
      await store.markServed(4);
      expect((await store.get())?.served).toBeUndefined();
    });

    it('locks for one owner at a time; the owner may extend it; only the owner unlocks', async () => {
      expect(await store.tryLock('a', 10_000)).toBe(true);
      expect(await store.tryLock('b', 10_000)).toBe(false);
      expect(await store.tryLock('a', 10_000)).toBe(true);
      await store.unlock('b');
      expect(await store.tryLock('b', 10_000)).toBe(false);
      await store.unlock('a');
      expect(await store.tryLock('b', 10_000)).toBe(true);
    });

    it('extends the lock from the time its owner takes it again', async () => {
      expect(await store.tryLock('a', 1_000)).toBe(true);
      clock.advance(900);
      expect(await store.tryLock('a', 1_000)).toBe(true);
      clock.advance(900);
      expect(await store.tryLock('b', 1_000)).toBe(false);
      clock.advance(100);
      expect(await store.tryLock('b', 1_000)).toBe(true);
    });

    it('lets another owner take an expired lock, and the old owner cannot unlock it then', async () => {
      expect(await store.tryLock('crashed', 1_000)).toBe(true);
      clock.advance(999);
      expect(await store.tryLock('b', 1_000)).toBe(false);
      clock.advance(1);
      expect(await store.tryLock('b', 1_000)).toBe(true);
      await store.unlock('crashed');
      expect(await store.tryLock('c', 1_000)).toBe(false);
    });

    it('gives the lock to exactly one of 20 concurrent callers on two handles', async () => {
      const other = fixture.sameStore();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).tryLock(`w${i}`, 5_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('makes SessionManager single-flight across two managers (two containers) on two handles', async () => {
      const [storeA, storeB] = [store, fixture.sameStore()];
      let logins = 0;
      const login = async () => {
        logins += 1;
        await new Promise((r) => setTimeout(r, 100));
        return [cookie(`token-${logins}`)];
      };
      // Real time here: the managers poll the store while the other logs in.
      const one = new SessionManager({ store: storeA, login, pollMs: 10, ownerId: 'container-a' });
      const two = new SessionManager({ store: storeB, login, pollMs: 10, ownerId: 'container-b' });

      const first = await Promise.all([one.refresh(0), two.refresh(0), one.current(), two.current()]);
      expect(logins).toBe(1);
      expect(first.map((s) => s.version)).toEqual([1, 1, 1, 1]);
      expect(first.every((s) => s.cookies[0]?.value === 'token-1')).toBe(true);

      // Both see the session expire (version 1): one more login in all, everyone gets version 2.
      const second = await Promise.all([one.refresh(1), two.refresh(1), two.refresh(1), one.refresh(1)]);
      expect(logins).toBe(2);
      expect(second.map((s) => s.version)).toEqual([2, 2, 2, 2]);
      expect(one.loginCount + two.loginCount).toBe(2);
      expect((await storeA.get())?.cookies[0]?.value).toBe('token-2');
      // The lock was released: anyone can take it now.
      expect(await storeB.tryLock('someone-else', 1_000)).toBe(true);
    });
  });
}
