import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../lib/adapters/local/index.js';
import type { WorkItem } from '../../../lib/core/ports.js';
import { manualClock, tempOut, vehicles } from './helpers.js';

const RUN = '2024-05-31-1';
const done = (item: WorkItem) => ({ bytes: 10, sha256: 'abc', storageKey: `${RUN}/${item.ref}.pdf`, attempts: item.attempts + 1 });

describe('SqliteWorkQueue', () => {
  let out: ReturnType<typeof tempOut>;
  let store: SqliteStore;
  let clock: ReturnType<typeof manualClock>;

  beforeEach(() => {
    out = tempOut();
    clock = manualClock();
    store = SqliteStore.open(out.dir, { now: clock.now });
  });
  afterEach(() => {
    store.close();
    out.cleanup();
  });

  it('never hands the same ref to two of 16 concurrent lease() calls', async () => {
    await store.register(RUN, vehicles(10));
    const queue = store.queue(RUN);
    const items = await Promise.all(Array.from({ length: 16 }, (_, i) => queue.lease(`w${i}`, 30)));
    const leased = items.filter((i): i is WorkItem => i !== undefined);
    expect(leased).toHaveLength(10);
    expect(new Set(leased.map((i) => i.ref)).size).toBe(10);
    expect(new Set(leased.map((i) => i.leaseToken)).size).toBe(10);
    expect(await queue.depth()).toEqual({ available: 0, delayed: 0, leased: 10 });
  });

  it('leases a 1,000-ref run to exhaustion with every ref exactly once, in ref order', async () => {
    const refs = vehicles(1000);
    expect(await store.register(RUN, refs)).toBe(1000);
    const queue = store.queue(RUN);
    const seen: string[] = [];
    // Eight workers interleaving through the event loop, like the local pool.
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (;;) {
          const item = await queue.lease(`w${w}`, 30);
          if (!item) return;
          seen.push(item.ref);
          await store.markDone(RUN, item.ref, done(item));
          await queue.markHandled(item);
        }
      }),
    );
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(seen).toEqual(refs.map((v) => v.ref));
    expect((await store.counts(RUN)).DONE).toBe(1000);
    expect(await queue.depth()).toEqual({ available: 0, delayed: 0, leased: 0 });
  });

  it('leases only refs of its own run', async () => {
    await store.register(RUN, vehicles(2));
    await store.register('2024-05-31-2', vehicles(3));
    const queue = store.queue('2024-05-31-2');
    const got = [await queue.lease('w', 30), await queue.lease('w', 30), await queue.lease('w', 30), await queue.lease('w', 30)];
    expect(got.map((i) => i?.runId)).toEqual(['2024-05-31-2', '2024-05-31-2', '2024-05-31-2', undefined]);
    expect((await store.queue(RUN).depth()).available).toBe(2);
  });

  it('returns the VIN and the attempts counted so far with the lease', async () => {
    await store.register(RUN, [{ ref: 'A', vin: '1HGCM82633A004352' }]);
    const queue = store.queue(RUN);
    const first = (await queue.lease('w1', 30))!;
    expect(first).toMatchObject({ runId: RUN, ref: 'A', vin: '1HGCM82633A004352', attempts: 0 });
    const row = await store.get(RUN, 'A');
    expect(row).toMatchObject({ status: 'IN_PROGRESS', workerId: 'w1', startedAt: clock.now() });
    await queue.reclaim(first, { delayMs: 0, countAttempt: true, error: 'HTTP 503' });
    const second = (await queue.lease('w2', 30))!;
    expect(second.attempts).toBe(1);
    expect(second.leaseToken).not.toBe(first.leaseToken);
  });

  it('respects the backoff delay of a reclaimed ref', async () => {
    await store.register(RUN, vehicles(1));
    const queue = store.queue(RUN);
    const item = (await queue.lease('w1', 30))!;
    await queue.reclaim(item, { delayMs: 5_000, countAttempt: true, error: 'timeout' });
    expect(await queue.lease('w1', 30)).toBeUndefined();
    expect(await queue.depth()).toEqual({ available: 0, delayed: 1, leased: 0, nextAvailableAt: clock.now() + 5_000 });
    clock.advance(4_999);
    expect(await queue.lease('w1', 30)).toBeUndefined();
    clock.advance(1);
    const again = await queue.lease('w1', 30);
    expect(again?.ref).toBe(item.ref);
    expect(again?.attempts).toBe(1);
    expect((await store.get(RUN, item.ref))?.lastError).toBe('timeout');
  });

  it('leases the ref that has waited longest first, a delayed one after the fresh ones before it', async () => {
    await store.register(RUN, vehicles(3));
    const queue = store.queue(RUN);
    const first = (await queue.lease('w', 30))!;
    await queue.reclaim(first, { delayMs: 1_000, countAttempt: false });
    clock.advance(2_000);
    expect((await queue.lease('w', 30))?.ref).toBe('R00002');
    expect((await queue.lease('w', 30))?.ref).toBe('R00003');
    expect((await queue.lease('w', 30))?.ref).toBe('R00001');
  });

  it('does not count an attempt when told not to (throttle, stop)', async () => {
    await store.register(RUN, vehicles(1));
    const queue = store.queue(RUN);
    const item = (await queue.lease('w', 30))!;
    await queue.reclaim(item, { delayMs: 0, countAttempt: false });
    expect((await store.get(RUN, item.ref))?.attempts).toBe(0);
  });

  it('counts an attempt once when recordError and reclaim both report it (as runJob does)', async () => {
    await store.register(RUN, vehicles(1));
    const queue = store.queue(RUN);
    const item = (await queue.lease('w', 30))!;
    await store.recordError(RUN, item.ref, { error: 'HTTP 500', reason: 'transient', attempts: item.attempts + 1 });
    await queue.reclaim(item, { delayMs: 0, countAttempt: true, error: 'HTTP 500' });
    expect(await store.get(RUN, item.ref)).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'HTTP 500', errorReason: 'transient' });
  });

  it('ignores a stale token: it can neither reclaim nor clear the new holder', async () => {
    await store.register(RUN, vehicles(1));
    const queue = store.queue(RUN);
    const stale = (await queue.lease('slow', 10))!;
    clock.advance(11_000);
    expect(await queue.reclaimExpired()).toBe(1);
    const fresh = (await queue.lease('fast', 10))!;
    expect(fresh.ref).toBe(stale.ref);

    await queue.reclaim(stale, { delayMs: 0, countAttempt: true, error: 'late' });
    await queue.markHandled(stale);
    const row = await store.get(RUN, stale.ref);
    expect(row).toMatchObject({ status: 'IN_PROGRESS', attempts: 1, workerId: 'fast' });
    expect(row?.lastError).toBe('lease expired (watchdog)');
    expect(await queue.depth()).toEqual({ available: 0, delayed: 0, leased: 1 });

    // The rightful holder completes; the stale holder's markDone after that changes nothing.
    expect(await store.markDone(RUN, fresh.ref, done(fresh))).toBe(true);
    await queue.markHandled(fresh);
    expect(await store.markDone(RUN, stale.ref, done(stale))).toBe(false);
    await queue.reclaim(stale, { delayMs: 0, countAttempt: true });
    expect(await store.get(RUN, stale.ref)).toMatchObject({ status: 'DONE', attempts: 2 });
  });

  it('reclaimExpired puts back only expired leases and counts an attempt', async () => {
    await store.register(RUN, vehicles(3));
    const queue = store.queue(RUN);
    const short = (await queue.lease('w1', 5))!;
    const long = (await queue.lease('w2', 60))!;
    clock.advance(4_999);
    expect(await queue.reclaimExpired()).toBe(0);
    clock.advance(1);
    expect(await queue.reclaimExpired()).toBe(1);
    expect(await store.get(RUN, short.ref)).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: 'lease expired (watchdog)',
      errorReason: 'lease_expired',
    });
    expect((await store.get(RUN, long.ref))?.status).toBe('IN_PROGRESS');
    expect(await queue.depth()).toEqual({ available: 2, delayed: 0, leased: 1 });
    expect(await queue.reclaimExpired()).toBe(0);
  });

  it('reclaims an IN_PROGRESS row that has no lease at all (nobody could ever finish it)', async () => {
    await store.register(RUN, vehicles(1));
    await store.markInProgress(RUN, 'R00001', 'w1');
    expect(await store.queue(RUN).reclaimExpired()).toBe(1);
  });

  it('markHandled clears the lease of a finished ref and leaves its status alone', async () => {
    await store.register(RUN, vehicles(1));
    const queue = store.queue(RUN);
    const item = (await queue.lease('w', 30))!;
    await store.markFailed(RUN, item.ref, { error: 'unknown ref', reason: 'not_found', attempts: 1 });
    await queue.markHandled(item);
    expect(await store.get(RUN, item.ref)).toMatchObject({ status: 'FAILED', errorReason: 'not_found' });
    expect(await queue.depth()).toEqual({ available: 0, delayed: 0, leased: 0 });
  });

  it('leases and completes more than 2,000 refs a second', async () => {
    const count = 5_000;
    await store.register(RUN, vehicles(count));
    const queue = store.queue(RUN);
    const started = performance.now();
    for (;;) {
      const item = await queue.lease('w', 30);
      if (!item) break;
      await store.markInProgress(RUN, item.ref, 'w');
      await store.markDone(RUN, item.ref, done(item));
      await queue.markHandled(item);
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(count / seconds);
    console.log(`sqlite queue: ${count} x (lease + markInProgress + markDone + markHandled) in ${seconds.toFixed(2)} s = ${rate}/s`);
    expect((await store.counts(RUN)).DONE).toBe(count);
    expect(rate).toBeGreaterThan(2_000);
  });
});

describe('SqliteWorkQueue across processes', () => {
  it('hands each ref to exactly one of four processes leasing the same database at once', async () => {
    const out = tempOut();
    try {
      const store = SqliteStore.open(out.dir);
      await store.register(RUN, vehicles(600));
      store.close();
      const fixture = fileURLToPath(new URL('./fixtures/lease-worker.ts', import.meta.url));
      const startAt = String(Date.now() + 2_500);
      const run = promisify(execFile);
      const results = await Promise.all(
        ['p1', 'p2', 'p3', 'p4'].map((id) => run(process.execPath, ['--import', 'tsx', fixture, out.dir, RUN, id, startAt])),
      );
      const perProcess = results.map((r) => JSON.parse(r.stdout) as string[]);
      console.log(`refs per process: ${perProcess.map((refs) => refs.length).join(', ')}`);
      const all = perProcess.flat();
      expect(all).toHaveLength(600);
      expect(new Set(all).size).toBe(600);
      const check = SqliteStore.open(out.dir);
      expect((await check.counts(RUN)).DONE).toBe(600);
      check.close();
    } finally {
      out.cleanup();
    }
  }, 60_000);
});
