import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../lib/core/breaker/index.js';
import { DocumentRejectedError, LoginRejectedError, ThrottledError, TransientError, VehicleFailedError } from '../../lib/core/errors.js';
import type { BreakerStore } from '../../lib/core/ports.js';

const down = () => new TransientError('portal answered 503', 'http_503');

/**
 * The one CircuitBreaker over any BreakerStore: the rules hold whether the window and the
 * flag live in this process or in DynamoDB, and two breakers over one store (two Lambda
 * containers) see the same state. `store()` gives a fresh store whose window holds at least
 * the last 20 outcomes; `runId()` a run id no other case used.
 */
export function circuitBreakerContract(name: string, setup: { store: () => BreakerStore | Promise<BreakerStore>; runId: () => string }): void {
  const breaker = (store: BreakerStore, runId: string) => new CircuitBreaker({ store, runId, minSamples: 10, errorRatio: 0.6 });

  describe(`CircuitBreaker over ${name}`, () => {
    it('opens for every container when the shared error ratio reaches 60 % over at least 10 outcomes', async () => {
      const store = await setup.store();
      const runId = setup.runId();
      const [a, b] = [breaker(store, runId), breaker(store, runId)];
      for (let i = 0; i < 4; i += 1) expect(await a.observe('success')).toEqual({ open: false });
      const seen = [];
      for (let i = 0; i < 6; i += 1) seen.push(await (i % 2 ? a : b).observe('failure', down()));
      expect(seen.slice(0, 5).every((o) => !o.open && !o.opened)).toBe(true); // 5 of 9: not yet
      expect(seen[5]).toMatchObject({ open: true, opened: { critical: false, reason: expect.stringMatching(/^http_503: portal answered 503 \(6 of the last 10/) } });
      expect(await b.openTrip()).toMatchObject({ reason: seen[5]!.opened!.reason });
    });

    it('is not opened by what is not the portal\'s fault (signal none)', async () => {
      const store = await setup.store();
      const runId = setup.runId();
      const b = breaker(store, runId);
      for (const error of [new ThrottledError('HTTP 429'), new DocumentRejectedError('another vehicle', 'wrong_vehicle'), new VehicleFailedError('404', 'not_found')]) {
        for (let i = 0; i < 12; i += 1) expect(await b.observe('none', error)).toEqual({ open: false });
      }
      expect(await b.openTrip()).toBeUndefined();
    });

    it('opens at once, as critical, on rejected credentials; the first reason wins', async () => {
      const store = await setup.store();
      const runId = setup.runId();
      const [a, b] = [breaker(store, runId), breaker(store, runId)];
      const first = await a.observe('critical', new LoginRejectedError('the portal rejected the credentials'));
      expect(first).toMatchObject({ open: true, opened: { critical: true } });
      const second = await b.observe('critical', new LoginRejectedError('again'));
      expect(second).toEqual({ open: true });
      expect(await b.openTrip()).toMatchObject({ critical: true, reason: expect.stringContaining('the portal rejected the credentials') });
    });

    it('closes with its window, and reopens with a fresh trip', async () => {
      const store = await setup.store();
      const runId = setup.runId();
      const b = breaker(store, runId);
      for (let i = 0; i < 10; i += 1) await b.observe('failure', down());
      expect(await b.openTrip()).toBeDefined();
      await b.close();
      expect(await b.openTrip()).toBeUndefined();
      // The window went with it: one more failure does not open it again.
      expect(await b.observe('failure', down())).toEqual({ open: false });
      const reopened = await b.reopen(down());
      expect(reopened).toMatchObject({ critical: false, reason: expect.stringContaining('the probe failed') });
      expect(await b.openTrip()).toMatchObject({ reason: reopened!.reason });
      expect(await b.reopen(new LoginRejectedError(), true)).toMatchObject({ critical: true });
    });
  });
}
