import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BreakerStore } from '../../lib/core/ports.js';
import { manualClock, type ManualClock } from '../helpers/factories.js';

export interface BreakerStoreFixture {
  store: BreakerStore;
  /** Another handle on the same breakers, as a second container has. */
  sameStore(): BreakerStore;
  close?: () => void | Promise<void>;
}

/** A store with 10-second buckets on `clock`; the suite gives every test runs of its own. */
export type BreakerStoreSetup = (clock: ManualClock) => BreakerStoreFixture | Promise<BreakerStoreFixture>;

/**
 * What every BreakerStore promises (lib/core/ports.ts): a run's window sums the outcomes every
 * handle recorded in the current and the previous bucket; the first trip opens the breaker
 * and keeps its reason; reset closes it and forgets the window. (What the one CircuitBreaker
 * makes of a store: circuit-breaker.contract.ts.)
 */
export function breakerStoreContract(name: string, setup: BreakerStoreSetup): void {
  describe(`${name} (BreakerStore contract)`, () => {
    let fixture: BreakerStoreFixture;
    let store: BreakerStore;
    let clock: ManualClock;
    let runs = 0;
    const newRun = () => `run-${++runs}`;

    beforeEach(async () => {
      // Mid-bucket, so that a few seconds forward stay in the same 10 s bucket.
      clock = manualClock(Date.UTC(2024, 4, 31, 10, 0, 5));
      fixture = await setup(clock);
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.close?.();
    });

    it('starts closed, with an empty window per run', async () => {
      const [a, b] = [newRun(), newRun()];
      expect(await store.state(a)).toBeUndefined();
      expect(await store.record(a, true)).toEqual({ samples: 1, errors: 1 });
      expect(await store.record(b, false)).toEqual({ samples: 1, errors: 0 });
    });

    it('sums outcomes from many handles over the current and the previous 10 s bucket only', async () => {
      const run = newRun();
      const [a, b] = [store, fixture.sameStore()];
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).record(run, i < 5)));
      clock.advance(10_000);
      expect(await a.record(run, true)).toEqual({ samples: 21, errors: 6 });
      clock.advance(10_000);
      expect(await b.record(run, false)).toEqual({ samples: 2, errors: 1 }); // the first bucket fell out
      clock.advance(20_000);
      expect(await b.record(run, false)).toEqual({ samples: 1, errors: 0 });
    });

    it('opens once (the first reason wins) and every handle sees the trip', async () => {
      const run = newRun();
      expect(await store.trip(run, { reason: 'http_503: first', critical: false, openedAt: 1 })).toBe(true);
      const other = fixture.sameStore();
      expect(await other.trip(run, { reason: 'http_503: second', critical: true, openedAt: 2 })).toBe(false);
      expect(await other.state(run)).toEqual({ reason: 'http_503: first', critical: false, openedAt: 1 });
      expect(await store.state(newRun())).toBeUndefined();
    });

    it('closes on reset and forgets the window, so it can open again', async () => {
      const run = newRun();
      await store.record(run, true);
      await store.trip(run, { reason: 'http_503: down', critical: false, openedAt: 1 });
      await fixture.sameStore().reset(run);
      expect(await store.state(run)).toBeUndefined();
      expect(await store.record(run, false)).toEqual({ samples: 1, errors: 0 });
      expect(await store.trip(run, { reason: 'again', critical: true, openedAt: 3 })).toBe(true);
      expect(await store.state(run)).toEqual({ reason: 'again', critical: true, openedAt: 3 });
    });
  });
}
