import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DoneRecord, Tracker } from '../../lib/core/ports.js';
import { VehicleStatus } from '../../lib/core/types.js';
import { manualClock, vehicles, type ManualClock } from '../helpers/factories.js';
import { refusedLineKey } from '../../lib/core/row-key.js';

export interface TrackerFixture {
  tracker: Tracker;
  close?: () => void | Promise<void>;
}

/** A tracker on fresh or shared storage; the suite gives every test runs of its own. */
export type TrackerSetup = (clock: ManualClock) => TrackerFixture | Promise<TrackerFixture>;

const VIN = '1HGCM82633A004352';
const ZERO = { PENDING: 0, IN_PROGRESS: 0, DONE: 0, FAILED: 0, SKIPPED: 0 };
const done = (ref: string, extra: Partial<DoneRecord> = {}): DoneRecord => ({
  bytes: 1234,
  sha256: 'f'.repeat(64),
  storageKey: `2024-05-31-1/${ref}.pdf`,
  attempts: 1,
  workerId: 'w3',
  durationMs: 850,
  ...extra,
});

/**
 * What every Tracker promises (lib/core/ports.ts): PENDING rows for new refs only, DONE is
 * final and conditional, attempts only grow, counts cover every status, rows list in ref order.
 */
export function trackerContract(name: string, setup: TrackerSetup): void {
  describe(`${name} (Tracker contract)`, () => {
    let fixture: TrackerFixture;
    let tracker: Tracker;
    let clock: ManualClock;
    let runs = 0;
    const newRun = () => `2024-05-31-${++runs}`;

    beforeEach(async () => {
      clock = manualClock();
      fixture = await setup(clock);
      tracker = fixture.tracker;
    });
    afterEach(async () => {
      await fixture.close?.();
    });

    it('registers refs as PENDING rows, exactly as given; an unknown ref or run has no row', async () => {
      const run = newRun();
      expect(await tracker.register(run, [{ ref: 'A', vin: VIN }, { ref: 'B' }])).toBe(2);
      expect(await tracker.get(run, 'A')).toEqual({ runId: run, ref: 'A', vin: VIN, status: 'PENDING', attempts: 0, updatedAt: clock.now() });
      expect(await tracker.get(run, 'B')).toEqual({ runId: run, ref: 'B', status: 'PENDING', attempts: 0, updatedAt: clock.now() });
      expect(await tracker.get(run, 'C')).toBeUndefined();
      expect(await tracker.get(newRun(), 'A')).toBeUndefined();
    });

    it('keeps awkward refs exactly, each with its file name, and a name once given stays on register again', async () => {
      const run = newRun();
      const refs = [' STK 0099 ', 'STK-0007/B', 'STK-0150\u00c4', 'stk-1', 'STK-1', '../../etc/passwd', refusedLineKey(7, 'STK-1')];
      const files = refs.map((_, i) => `F${i}~abcdef.pdf`);
      expect(await tracker.register(run, refs.map((ref, i) => ({ ref, file: files[i]! })))).toBe(refs.length);
      for (const [i, ref] of refs.entries()) expect(await tracker.get(run, ref), ref).toMatchObject({ ref, file: files[i], status: 'PENDING' });
      expect((await tracker.list(run)).map((r) => r.ref).sort()).toEqual([...refs].sort());
      expect(await tracker.register(run, [{ ref: 'stk-1', file: 'other.pdf' }])).toBe(0);
      expect((await tracker.get(run, 'stk-1'))?.file).toBe(files[3]);
    });

    it('registers 2,000 refs, then only the new ones, and counts them per run', async () => {
      const run = newRun();
      expect(await tracker.register(run, vehicles(2_000))).toBe(2_000);
      expect(await tracker.register(run, vehicles(2_100))).toBe(100);
      expect(await tracker.register(run, vehicles(2_100))).toBe(0);
      expect(await tracker.counts(run)).toEqual({ ...ZERO, PENDING: 2_100 });
      expect(await tracker.counts(newRun())).toEqual(ZERO);
    });

    it('keeps the first of duplicate refs and never overwrites an existing row on register', async () => {
      const run = newRun();
      expect(await tracker.register(run, [{ ref: 'A', vin: VIN }, { ref: 'A', vin: '2HGCM82633A004352' }])).toBe(1);
      expect(await tracker.markDone(run, 'A', done('A'))).toBe(true);
      expect(await tracker.register(run, [{ ref: 'A', vin: '3HGCM82633A004352' }, { ref: 'B' }])).toBe(1);
      expect(await tracker.get(run, 'A')).toMatchObject({ status: 'DONE', vin: VIN });
    });

    it('records skipped refs with their reason, without hiding a tracked ref of the same name', async () => {
      const run = newRun();
      await tracker.register(run, [{ ref: 'A' }]);
      clock.advance(1_000);
      await tracker.registerSkipped(run, [
        { ref: 'A', reason: 'duplicate of line 2' },
        { ref: 'B', reason: 'invalid VIN' },
      ]);
      expect(await tracker.get(run, 'A')).toMatchObject({ status: 'PENDING' });
      expect(await tracker.get(run, 'B')).toEqual({
        runId: run,
        ref: 'B',
        status: 'SKIPPED',
        attempts: 0,
        lastError: 'invalid VIN',
        errorReason: 'invalid VIN',
        finishedAt: clock.now(),
        updatedAt: clock.now(),
      });
    });

    it('runs a row through its states, keeping attempts as a maximum', async () => {
      const run = newRun();
      await tracker.register(run, [{ ref: 'R1', vin: VIN }]);
      clock.advance(1_000);
      await tracker.markInProgress(run, 'R1', 'w1');
      const startedAt = clock.now();
      expect(await tracker.get(run, 'R1')).toMatchObject({ status: 'IN_PROGRESS', workerId: 'w1', startedAt, updatedAt: startedAt });

      await tracker.recordError(run, 'R1', { error: 'HTTP 503', reason: 'http_5xx', attempts: 2 });
      expect(await tracker.get(run, 'R1')).toMatchObject({ status: 'IN_PROGRESS', attempts: 2, lastError: 'HTTP 503', errorReason: 'http_5xx' });
      // A late, lower attempts count does not lower it.
      await tracker.recordError(run, 'R1', { error: 'timeout', reason: 'timeout', attempts: 1 });
      expect(await tracker.get(run, 'R1')).toMatchObject({ attempts: 2, lastError: 'timeout', errorReason: 'timeout' });

      clock.advance(850);
      expect(await tracker.markDone(run, 'R1', done('R1', { attempts: 1 }))).toBe(true);
      expect(await tracker.get(run, 'R1')).toEqual({
        runId: run,
        ref: 'R1',
        vin: VIN,
        status: 'DONE',
        attempts: 2,
        bytes: 1234,
        sha256: 'f'.repeat(64),
        storageKey: '2024-05-31-1/R1.pdf',
        lastError: 'timeout',
        errorReason: 'timeout',
        workerId: 'w3',
        startedAt,
        finishedAt: clock.now(),
        updatedAt: clock.now(),
      });
    });

    it('raises attempts to what markDone reports when that is more', async () => {
      const run = newRun();
      await tracker.register(run, vehicles(1));
      await tracker.markDone(run, 'R00001', done('R00001', { attempts: 3 }));
      expect((await tracker.get(run, 'R00001'))?.attempts).toBe(3);
    });

    it('marks DONE once: the second markDone returns false and changes nothing; an unknown ref is not created', async () => {
      const run = newRun();
      await tracker.register(run, vehicles(1));
      expect(await tracker.markDone(run, 'R00001', done('R00001'))).toBe(true);
      const row = await tracker.get(run, 'R00001');
      clock.advance(5_000);
      expect(await tracker.markDone(run, 'R00001', done('R00001', { bytes: 1, sha256: 'other', attempts: 9, workerId: 'w9' }))).toBe(false);
      expect(await tracker.get(run, 'R00001')).toEqual(row);
      expect(await tracker.markDone(run, 'NOPE', done('NOPE'))).toBe(false);
      expect(await tracker.get(run, 'NOPE')).toBeUndefined();
    });

    it('gives DONE to exactly one of two concurrent markDone calls', async () => {
      const run = newRun();
      await tracker.register(run, vehicles(1));
      const results = await Promise.all([
        tracker.markDone(run, 'R00001', done('R00001', { workerId: 'first' })),
        tracker.markDone(run, 'R00001', done('R00001', { workerId: 'second' })),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? 'first' : 'second';
      expect(await tracker.get(run, 'R00001')).toMatchObject({ status: 'DONE', workerId: winner });
    });

    it('never turns a DONE row back: markFailed, recordError and markInProgress leave it alone', async () => {
      const run = newRun();
      await tracker.register(run, vehicles(1));
      await tracker.markDone(run, 'R00001', done('R00001'));
      const row = await tracker.get(run, 'R00001');
      clock.advance(1_000);
      await tracker.markFailed(run, 'R00001', { error: 'late duplicate failed', reason: 'timeout', attempts: 5 });
      await tracker.recordError(run, 'R00001', { error: 'late', reason: 'timeout', attempts: 6 });
      await tracker.markInProgress(run, 'R00001', 'w9');
      expect(await tracker.get(run, 'R00001')).toEqual(row);
      expect(row?.lastError).toBeUndefined();
    });

    it('records a failure with its reason, attempts and finish time', async () => {
      const run = newRun();
      await tracker.register(run, vehicles(2));
      await tracker.recordError(run, 'R00001', { error: 'HTTP 503', reason: 'transient', attempts: 1 });
      expect(await tracker.get(run, 'R00001')).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'HTTP 503', errorReason: 'transient' });
      clock.advance(1_000);
      await tracker.markFailed(run, 'R00002', { error: 'vehicle not found', reason: 'not_found', attempts: 3 });
      expect(await tracker.get(run, 'R00002')).toMatchObject({
        status: 'FAILED',
        attempts: 3,
        lastError: 'vehicle not found',
        errorReason: 'not_found',
        finishedAt: clock.now(),
        updatedAt: clock.now(),
      });
    });

    it('leaves untracked refs untracked', async () => {
      const run = newRun();
      await tracker.register(run, vehicles(1));
      await tracker.markFailed(run, 'GHOST', { error: 'x', reason: 'x', attempts: 1 });
      await tracker.recordError(run, 'GHOST', { error: 'x', reason: 'x', attempts: 1 });
      await tracker.markInProgress(run, 'GHOST', 'w1');
      expect(await tracker.get(run, 'GHOST')).toBeUndefined();
      expect((await tracker.list(run)).map((r) => r.ref)).toEqual(['R00001']);
    });

    it('counts every status, zeros included, and the counts add up to the rows listed', async () => {
      const run = newRun();
      expect(await tracker.counts(run)).toEqual(ZERO);
      await tracker.register(run, vehicles(6));
      await tracker.registerSkipped(run, [{ ref: 'X1', reason: 'bad' }]);
      await tracker.markInProgress(run, 'R00002', 'w1');
      await tracker.markDone(run, 'R00003', done('R00003'));
      await tracker.markDone(run, 'R00004', done('R00004'));
      await tracker.markFailed(run, 'R00005', { error: 'gone', reason: 'not_found', attempts: 1 });
      const counts = await tracker.counts(run);
      expect(counts).toEqual({ PENDING: 2, IN_PROGRESS: 1, DONE: 2, FAILED: 1, SKIPPED: 1 });
      expect(Object.keys(counts).sort()).toEqual(Object.values(VehicleStatus).sort());
      expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe((await tracker.list(run)).length);
    });

    it('lists the rows of one run ordered by ref, by UTF-8 bytes', async () => {
      const run = newRun();
      // U+FB00 sorts before U+1F600 in UTF-8 (EF.. < F0..) though not in UTF-16 (FB00 > D83D).
      const refs = ['b', 'B', 'a-1', 'A_2', '0', 'Z.9', '\u{1F600}', '\uFB00'];
      await tracker.register(run, refs.map((ref) => ({ ref })));
      await tracker.register(newRun(), [{ ref: 'other-run' }]);
      const rows = await tracker.list(run);
      expect(rows.map((r) => r.ref)).toEqual(['0', 'A_2', 'B', 'Z.9', 'a-1', 'b', '\uFB00', '\u{1F600}']);
      expect(rows.every((r) => r.runId === run && r.status === 'PENDING')).toBe(true);
    });
  });
}
