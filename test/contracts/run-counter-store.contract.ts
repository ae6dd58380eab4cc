import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES, type CounterValues, type RunCounterStore } from '../../lib/core/ports.js';

const zeros = (): CounterValues => Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as CounterValues;

/**
 * The RunCounterStore port, the same for every adapter: `stores()` gives two handles on one
 * fresh store (two Lambda containers on one table; one object twice for memory), `runId()` a
 * run id no other case used.
 */
export function runCounterStoreContract(name: string, setup: { stores: () => Promise<[RunCounterStore, RunCounterStore]>; runId: () => string }): void {
  describe(`RunCounterStore: ${name}`, () => {
    it('starts at zero for every counter', async () => {
      const [store] = await setup.stores();
      expect(await store.get(setup.runId())).toEqual(zeros());
    });

    it('adds atomically from many writers at once, per run', async () => {
      const [a, b] = await setup.stores();
      const [one, two] = [setup.runId(), setup.runId()];
      await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).add(one, i % 4 === 0 ? { retries: 1, duplicates: 2 } : { retries: 1 })));
      await a.add(one, { wrong_documents_rejected: 1, browser_restarts: 0, direct_downloads: 3 });
      await a.add(two, { retries: 5 });
      await a.add(two, {});
      expect(await b.get(one)).toEqual({ ...zeros(), retries: 40, duplicates: 20, wrong_documents_rejected: 1, direct_downloads: 3 });
      expect(await b.get(two)).toEqual({ ...zeros(), retries: 5 });
    });

    it('ignores numbers that are not finite', async () => {
      const [store] = await setup.stores();
      const run = setup.runId();
      await store.add(run, { retries: Number.NaN, duplicates: Number.POSITIVE_INFINITY, breaker_opens: 2 });
      expect(await store.get(run)).toEqual({ ...zeros(), breaker_opens: 2 });
    });
  });
}
