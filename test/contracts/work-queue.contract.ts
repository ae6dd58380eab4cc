import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tracker, WorkItem, WorkQueue } from '../../lib/core/ports.js';
import { manualClock, vehicles, type ManualClock } from '../helpers/factories.js';

export interface WorkQueueFixture {
  /** The tracker whose rows the queues lease (the queue is a view of the tracking rows). */
  tracker: Tracker;
  /** The lease queue of one run. */
  queue(runId: string): WorkQueue;
  close?: () => void | Promise<void>;
}

export type WorkQueueSetup = (clock: ManualClock) => WorkQueueFixture | Promise<WorkQueueFixture>;

const VIN = '1HGCM82633A004352';
const doneFor = (item: WorkItem) => ({ bytes: 10, sha256: 'abc', storageKey: `${item.runId}/${item.ref}.pdf`, attempts: item.attempts + 1 });

/**
 * What every WorkQueue promises (lib/core/ports.ts): a ref is leased to one holder at a time,
 * the longest-waiting first; a reclaim waits out its delay and counts an attempt only when
 * told to; a stale lease token changes nothing; the watchdog takes back expired leases.
 */
export function workQueueContract(name: string, setup: WorkQueueSetup): void {
  describe(`${name} (WorkQueue contract)`, () => {
    let fixture: WorkQueueFixture;
    let tracker: Tracker;
    let clock: ManualClock;
    let runs = 0;
    /** A new run with `count` registered refs R00001..., and its queue. */
    const newRun = async (count: number) => {
      const runId = `2024-05-31-${++runs}`;
      await tracker.register(runId, vehicles(count));
      return { runId, queue: fixture.queue(runId) };
    };

    beforeEach(async () => {
      clock = manualClock();
      fixture = await setup(clock);
      tracker = fixture.tracker;
    });
    afterEach(async () => {
      await fixture.close?.();
    });

    it('never hands the same ref to two of 16 concurrent lease() calls', async () => {
      const { queue } = await newRun(10);
      const items = await Promise.all(Array.from({ length: 16 }, (_, i) => queue.lease(`w${i}`, 30)));
      const leased = items.filter((i): i is WorkItem => i !== undefined);
      expect(leased).toHaveLength(10);
      expect(new Set(leased.map((i) => i.ref)).size).toBe(10);
      expect(new Set(leased.map((i) => i.leaseToken)).size).toBe(10);
      expect(await queue.depth()).toEqual({ available: 0, delayed: 0, leased: 10 });
    });

    it('leases a 1,000-ref run to exhaustion with every ref exactly once, in ref order', async () => {
      const { runId, queue } = await newRun(1_000);
      const seen: string[] = [];
      // Eight workers interleaving through the event loop, like the local pool.
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (;;) {
            const item = await queue.lease(`w${w}`, 30);
            if (!item) return;
            seen.push(item.ref);
            await tracker.markInProgress(runId, item.ref, `w${w}`);
            expect(await tracker.markDone(runId, item.ref, doneFor(item))).toBe(true);
            await queue.markHandled(item);
          }
        }),
      );
      expect(seen).toEqual(vehicles(1_000).map((v) => v.ref));
      expect((await tracker.counts(runId)).DONE).toBe(1_000);
      expect(await queue.depth()).toEqual({ available: 0, delayed: 0, leased: 0 });
    });

    it('leases only refs of its own run, and no skipped ref', async () => {
      const mine = await newRun(2);
      await tracker.registerSkipped(mine.runId, [{ ref: 'X1', reason: 'invalid VIN' }]);
      const other = await newRun(3);
      const got = [];
      for (let i = 0; i < 4; i += 1) got.push(await other.queue.lease('w', 30));
      expect(got.map((i) => i?.runId)).toEqual([other.runId, other.runId, other.runId, undefined]);
      expect(await mine.queue.depth()).toEqual({ available: 2, delayed: 0, leased: 0 });
      const leased = [await mine.queue.lease('w', 30), await mine.queue.lease('w', 30), await mine.queue.lease('w', 30)];
      expect(leased.map((i) => i?.ref)).toEqual(['R00001', 'R00002', undefined]);
    });

    it('returns the VIN and the attempts counted so far with the lease, and marks the row IN_PROGRESS', async () => {
      const runId = `2024-05-31-${++runs}`;
      await tracker.register(runId, [{ ref: 'A', vin: VIN }]);
      const queue = fixture.queue(runId);
      const first = (await queue.lease('w1', 30))!;
      expect(first).toEqual({ runId, ref: 'A', vin: VIN, attempts: 0, leaseToken: expect.any(String) });
      expect(await tracker.get(runId, 'A')).toMatchObject({ status: 'IN_PROGRESS', workerId: 'w1', startedAt: clock.now() });
      await queue.reclaim(first, { delayMs: 0, countAttempt: true, error: 'HTTP 503' });
      expect(await tracker.get(runId, 'A')).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'HTTP 503' });
      const second = (await queue.lease('w2', 30))!;
      expect(second.attempts).toBe(1);
      expect(second.leaseToken).not.toBe(first.leaseToken);
    });

    it('respects the backoff delay of a reclaimed ref', async () => {
      const { runId, queue } = await newRun(1);
      const item = (await queue.lease('w1', 30))!;
      await queue.reclaim(item, { delayMs: 5_000, countAttempt: true, error: 'timeout' });
      expect(await queue.lease('w1', 30)).toBeUndefined();
      expect(await queue.depth()).toEqual({ available: 0, delayed: 1, leased: 0, nextAvailableAt: clock.now() + 5_000 });
      clock.advance(4_999);
      expect(await queue.lease('w1', 30)).toBeUndefined();
      clock.advance(1);
      const again = await queue.lease('w1', 30);
      expect(again).toMatchObject({ ref: item.ref, attempts: 1 });
      expect((await tracker.get(runId, item.ref))?.lastError).toBe('timeout');
    });

    it('leases the ref that has waited longest first: a delayed one after the fresh ones before it', async () => {
      const { queue } = await newRun(3);
      const first = (await queue.lease('w', 30))!;
      await queue.reclaim(first, { delayMs: 1_000, countAttempt: false });
      clock.advance(2_000);
      expect((await queue.lease('w', 30))?.ref).toBe('R00002');
      expect((await queue.lease('w', 30))?.ref).toBe('R00003');
      expect((await queue.lease('w', 30))?.ref).toBe('R00001');
    });

    it('does not count an attempt when told not to (throttle, stop)', async () => {
      const { runId, queue } = await newRun(1);
      const item = (await queue.lease('w', 30))!;
      await queue.reclaim(item, { delayMs: 0, countAttempt: false });
      expect(await tracker.get(runId, item.ref)).toMatchObject({ status: 'PENDING', attempts: 0 });
      expect((await tracker.get(runId, item.ref))?.lastError).toBeUndefined();
    });

    it('counts an attempt once when recordError and reclaim both report it (as runJob does)', async () => {
      const { runId, queue } = await newRun(1);
      const item = (await queue.lease('w', 30))!;
      await tracker.recordError(runId, item.ref, { error: 'HTTP 500', reason: 'transient', attempts: item.attempts + 1 });
      await queue.reclaim(item, { delayMs: 0, countAttempt: true, error: 'HTTP 500' });
      expect(await tracker.get(runId, item.ref)).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'HTTP 500', errorReason: 'transient' });
    });

    it('ignores a stale token: it can neither reclaim nor clear the new holder', async () => {
      const { runId, queue } = await newRun(1);
      const stale = (await queue.lease('slow', 10))!;
      clock.advance(11_000);
      expect(await queue.reclaimExpired()).toBe(1);
      const fresh = (await queue.lease('fast', 10))!;
      expect(fresh.ref).toBe(stale.ref);

      await queue.reclaim(stale, { delayMs: 0, countAttempt: true, error: 'late' });
      await queue.markHandled(stale);
      expect(await tracker.get(runId, stale.ref)).toMatchObject({ status: 'IN_PROGRESS', attempts: 1, workerId: 'fast', lastError: 'lease expired (watchdog)' });
      expect(await queue.depth()).toEqual({ available: 0, delayed: 0, leased: 1 });
      // The fresh lease still counts: the watchdog leaves it until it expires.
      expect(await queue.reclaimExpired()).toBe(0);

      // The rightful holder completes; the stale holder's markDone after that changes nothing.
      expect(await tracker.markDone(runId, fresh.ref, doneFor(fresh))).toBe(true);
      await queue.markHandled(fresh);
      expect(await tracker.markDone(runId, stale.ref, doneFor(stale))).toBe(false);
      await queue.reclaim(stale, { delayMs: 0, countAttempt: true });
      expect(await tracker.get(runId, stale.ref)).toMatchObject({ status: 'DONE', attempts: 2 });
    });

    it('reclaimExpired puts back only expired leases, counting an attempt and saying why', async () => {
      const { runId, queue } = await newRun(3);
      const short = (await queue.lease('w1', 5))!;
      const long = (await queue.lease('w2', 60))!;
      clock.advance(4_999);
      expect(await queue.reclaimExpired()).toBe(0);
      clock.advance(1);
      expect(await queue.reclaimExpired()).toBe(1);
      expect(await tracker.get(runId, short.ref)).toMatchObject({
        status: 'PENDING',
        attempts: 1,
        lastError: 'lease expired (watchdog)',
        errorReason: 'lease_expired',
      });
      expect((await tracker.get(runId, long.ref))?.status).toBe('IN_PROGRESS');
      expect(await queue.depth()).toEqual({ available: 2, delayed: 0, leased: 1 });
      expect(await queue.reclaimExpired()).toBe(0);
      // R00003 has waited since it was registered, R00001 only since the watchdog put it back.
      expect(await queue.lease('w3', 5)).toMatchObject({ ref: 'R00003', attempts: 0 });
      expect(await queue.lease('w3', 5)).toMatchObject({ ref: 'R00001', attempts: 1 });
    });

    it('reclaims an IN_PROGRESS row that has no lease at all (nobody could ever finish it)', async () => {
      const { runId, queue } = await newRun(1);
      await tracker.markInProgress(runId, 'R00001', 'w1');
      expect(await queue.depth()).toEqual({ available: 0, delayed: 0, leased: 1 });
      expect(await queue.reclaimExpired()).toBe(1);
      expect((await queue.lease('w2', 30))?.ref).toBe('R00001');
    });

    it('markHandled clears the lease of a finished ref and leaves its status alone', async () => {
      const { runId, queue } = await newRun(1);
      const item = (await queue.lease('w', 30))!;
      await tracker.markFailed(runId, item.ref, { error: 'unknown ref', reason: 'not_found', attempts: 1 });
      await queue.markHandled(item);
      expect(await tracker.get(runId, item.ref)).toMatchObject({ status: 'FAILED', errorReason: 'not_found' });
      expect(await queue.depth()).toEqual({ available: 0, delayed: 0, leased: 0 });
      expect(await queue.lease('w', 30)).toBeUndefined();
    });

    it('markDone releases the lease: the watchdog has nothing to take back', async () => {
      const { runId, queue } = await newRun(1);
      const item = (await queue.lease('w3', 30))!;
      expect(await tracker.markDone(runId, item.ref, doneFor(item))).toBe(true);
      clock.advance(60_000);
      expect(await queue.reclaimExpired()).toBe(0);
      expect(await tracker.get(runId, item.ref)).toMatchObject({ status: 'DONE', attempts: 1 });
    });

    it('counts leased refs as IN_PROGRESS, and the tracker counts add up with the queue', async () => {
      const { runId, queue } = await newRun(10);
      await tracker.registerSkipped(runId, [{ ref: 'X1', reason: 'bad' }]);
      const a = (await queue.lease('w', 30))!;
      const b = (await queue.lease('w', 30))!;
      await queue.lease('w', 30);
      await tracker.markDone(runId, a.ref, doneFor(a));
      await tracker.markFailed(runId, b.ref, { error: 'x', reason: 'y', attempts: 1 });
      expect(await tracker.counts(runId)).toEqual({ PENDING: 7, IN_PROGRESS: 1, DONE: 1, FAILED: 1, SKIPPED: 1 });
      expect(await queue.depth()).toEqual({ available: 7, delayed: 0, leased: 1 });
    });
  });
}
