import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, SqliteStore } from '../../../lib/adapters/local/index.js';
import { InputError } from '../../../lib/core/errors.js';
import { VehicleStatus } from '../../../lib/core/types.js';
import { manualClock, tempOut, vehicles } from './helpers.js';

const RUN = '2024-05-31-1';
const doneRecord = { bytes: 1234, sha256: 'f'.repeat(64), storageKey: `${RUN}/R00001.pdf`, attempts: 1, workerId: 'w3', durationMs: 850 };

describe('SqliteStore as Tracker', () => {
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

  it('creates fleetpdf.db in WAL mode at the current schema version', () => {
    const db = new Database(join(out.dir, 'fleetpdf.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('registers 20,000 vehicles in one transaction, well under a second, and only new refs the second time', async () => {
    const all = vehicles(20_000);
    const started = performance.now();
    expect(await store.register(RUN, all)).toBe(20_000);
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(1_000);
    expect(await store.register(RUN, [...all.slice(0, 10), { ref: 'NEW-1' }, { ref: 'NEW-1' }])).toBe(1);
    expect((await store.counts(RUN)).PENDING).toBe(20_001);
  });

  it('leaves an existing row alone when its ref is registered again', async () => {
    await store.register(RUN, [{ ref: 'A', vin: 'VIN1' }]);
    await store.markDone(RUN, 'A', doneRecord);
    expect(await store.register(RUN, [{ ref: 'A', vin: 'VIN2' }])).toBe(0);
    expect(await store.get(RUN, 'A')).toMatchObject({ status: 'DONE', vin: 'VIN1' });
  });

  it('records skipped refs with their reason, without overwriting a tracked ref of the same name', async () => {
    await store.register(RUN, [{ ref: 'A' }]);
    await store.registerSkipped(RUN, [
      { ref: 'A', reason: 'duplicate ref' },
      { ref: 'B', reason: 'invalid VIN' },
    ]);
    expect((await store.get(RUN, 'A'))?.status).toBe('PENDING');
    expect(await store.get(RUN, 'B')).toMatchObject({ status: 'SKIPPED', lastError: 'invalid VIN', errorReason: 'invalid VIN', attempts: 0 });
    expect((await store.queue(RUN).depth()).available).toBe(1);
  });

  it('marks DONE once: the second markDone returns false and changes nothing', async () => {
    await store.register(RUN, vehicles(1));
    await store.queue(RUN).lease('w3', 30);
    clock.advance(850);
    expect(await store.markDone(RUN, 'R00001', doneRecord)).toBe(true);
    const row = await store.get(RUN, 'R00001');
    expect(row).toEqual({
      runId: RUN,
      ref: 'R00001',
      status: 'DONE',
      attempts: 1,
      bytes: 1234,
      sha256: 'f'.repeat(64),
      storageKey: `${RUN}/R00001.pdf`,
      workerId: 'w3',
      startedAt: clock.now() - 850,
      finishedAt: clock.now(),
      updatedAt: clock.now(),
    });
    clock.advance(1_000);
    expect(await store.markDone(RUN, 'R00001', { ...doneRecord, bytes: 1, sha256: 'other', workerId: 'w9' })).toBe(false);
    expect(await store.get(RUN, 'R00001')).toEqual(row);
    // markDone released the lease: the watchdog has nothing to take back.
    expect(await store.queue(RUN).reclaimExpired()).toBe(0);
  });

  it('stores the duration of a DONE ref', async () => {
    await store.register(RUN, vehicles(1));
    await store.markDone(RUN, 'R00001', doneRecord);
    const db = new Database(join(out.dir, 'fleetpdf.db'), { readonly: true });
    expect(db.prepare('SELECT duration_ms FROM vehicles WHERE ref = ?').get('R00001')).toEqual({ duration_ms: 850 });
    db.close();
  });

  it('returns false for markDone of an unknown ref', async () => {
    expect(await store.markDone(RUN, 'nope', doneRecord)).toBe(false);
    expect(await store.get(RUN, 'nope')).toBeUndefined();
  });

  it('never turns a DONE row back into FAILED, IN_PROGRESS or another error', async () => {
    await store.register(RUN, vehicles(1));
    await store.markDone(RUN, 'R00001', doneRecord);
    await store.markFailed(RUN, 'R00001', { error: 'late failure', reason: 'transient', attempts: 3 });
    await store.recordError(RUN, 'R00001', { error: 'late error', reason: 'transient', attempts: 3 });
    await store.markInProgress(RUN, 'R00001', 'w9');
    expect(await store.get(RUN, 'R00001')).toMatchObject({ status: 'DONE', attempts: 1, workerId: 'w3' });
    expect((await store.get(RUN, 'R00001'))?.lastError).toBeUndefined();
  });

  it('records failures and errors with their reason and attempts', async () => {
    await store.register(RUN, vehicles(2));
    await store.recordError(RUN, 'R00001', { error: 'HTTP 503', reason: 'transient', attempts: 1 });
    expect(await store.get(RUN, 'R00001')).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'HTTP 503', errorReason: 'transient' });
    await store.markFailed(RUN, 'R00002', { error: 'vehicle not found', reason: 'not_found', attempts: 1 });
    expect(await store.get(RUN, 'R00002')).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastError: 'vehicle not found',
      errorReason: 'not_found',
      finishedAt: clock.now(),
    });
  });

  it('counts every status, zeros included, and the counts add up to the rows', async () => {
    expect(await store.counts(RUN)).toEqual({ PENDING: 0, IN_PROGRESS: 0, DONE: 0, FAILED: 0, SKIPPED: 0 });
    await store.register(RUN, vehicles(10));
    await store.registerSkipped(RUN, [{ ref: 'X1', reason: 'bad' }]);
    const queue = store.queue(RUN);
    const a = (await queue.lease('w', 30))!;
    const b = (await queue.lease('w', 30))!;
    await queue.lease('w', 30);
    await store.markDone(RUN, a.ref, doneRecord);
    await store.markFailed(RUN, b.ref, { error: 'x', reason: 'y', attempts: 1 });
    const counts = await store.counts(RUN);
    expect(counts).toEqual({ PENDING: 7, IN_PROGRESS: 1, DONE: 1, FAILED: 1, SKIPPED: 1 });
    expect(Object.keys(counts).sort()).toEqual(Object.values(VehicleStatus).sort());
    const total = Object.values(counts).reduce((s, n) => s + n, 0);
    expect(total).toBe((await store.list(RUN)).length);
    expect(await store.counts('2024-01-01-1')).toEqual({ PENDING: 0, IN_PROGRESS: 0, DONE: 0, FAILED: 0, SKIPPED: 0 });
  });

  it('lists the rows of a run ordered by ref', async () => {
    await store.register(RUN, [{ ref: 'C' }, { ref: 'A', vin: 'V' }, { ref: 'B' }]);
    await store.register('2024-05-31-2', [{ ref: 'Z' }]);
    const rows = await store.list(RUN);
    expect(rows.map((r) => r.ref)).toEqual(['A', 'B', 'C']);
    expect(rows[0]).toEqual({ runId: RUN, ref: 'A', vin: 'V', status: 'PENDING', attempts: 0, updatedAt: clock.now() });
  });

  it('keeps everything across close and reopen', async () => {
    await store.register(RUN, vehicles(3));
    await store.markDone(RUN, 'R00002', doneRecord);
    store.close();
    store = SqliteStore.open(out.dir, { now: clock.now });
    expect(await store.counts(RUN)).toMatchObject({ PENDING: 2, DONE: 1 });
  });
});

describe('SqliteStore runs', () => {
  let out: ReturnType<typeof tempOut>;
  let store: SqliteStore;
  let clock: ReturnType<typeof manualClock>;
  const may31 = new Date(2024, 4, 31, 23, 59, 0).getTime(); // local time, like the run ids
  const input = (outDir: string) => ({ outDir, profile: 'dealer-values', portal: 'http://127.0.0.1:1234', options: { workers: 8 } });

  beforeEach(() => {
    out = tempOut();
    clock = manualClock(may31);
    store = SqliteStore.open(out.dir, { now: clock.now });
  });
  afterEach(() => {
    store.close();
    out.cleanup();
  });

  it('numbers runs per local day, after both the runs in the db and the folders on disk', () => {
    const first = store.createRun(input(out.dir));
    expect(first).toEqual({ runId: '2024-05-31-1', folder: join(out.dir, '2024-05-31-1') });
    expect(existsSync(first.folder)).toBe(true);

    mkdirSync(join(out.dir, '2024-05-31-7')); // a folder left by someone else (or a deleted db)
    mkdirSync(join(out.dir, '2024-06-01-40')); // another day does not count
    expect(store.createRun(input(out.dir)).runId).toBe('2024-05-31-8');

    rmSync(join(out.dir, '2024-05-31-8'), { recursive: true }); // the db still knows run 8
    expect(store.createRun(input(out.dir)).runId).toBe('2024-05-31-9');

    clock.set(new Date(2024, 5, 1, 0, 1, 0).getTime());
    expect(store.createRun(input(out.dir)).runId).toBe('2024-06-01-41');
    clock.set(new Date(2024, 5, 2, 8, 0, 0).getTime());
    expect(store.createRun(input(out.dir)).runId).toBe('2024-06-02-1');
  });

  it('records a run and finds it again', () => {
    const { runId, folder } = store.createRun(input(out.dir));
    expect(store.getRun(runId)).toEqual({
      runId,
      folder,
      profile: 'dealer-values',
      portal: 'http://127.0.0.1:1234',
      createdAt: may31,
      status: 'running',
      options: { workers: 8 },
    });
    expect(store.getRun('2020-01-01-1')).toBeUndefined();
    clock.advance(5_000);
    store.finishRun(runId, 'completed');
    expect(store.getRun(runId)).toMatchObject({ status: 'completed', finishedAt: may31 + 5_000 });
  });

  it('latestUnfinishedRun is the newest run unless it completed', () => {
    expect(store.latestUnfinishedRun()).toBeUndefined();
    const a = store.createRun(input(out.dir));
    expect(store.latestUnfinishedRun()?.runId).toBe(a.runId);
    clock.advance(1);
    const b = store.createRun(input(out.dir));
    expect(store.latestUnfinishedRun()?.runId).toBe(b.runId);
    store.finishRun(b.runId, 'stopped');
    expect(store.latestUnfinishedRun()).toMatchObject({ runId: b.runId, status: 'stopped' });
    store.finishRun(b.runId, 'completed');
    // a is older than a completed run: resuming it would redo what b already did.
    expect(store.latestUnfinishedRun()).toBeUndefined();
    const c = store.createRun(input(out.dir)); // same millisecond as b: creation order decides
    expect(store.latestUnfinishedRun()?.runId).toBe(c.runId);
  });

  it('recoverRun puts the leases of a dead process back without counting an attempt', async () => {
    const { runId } = store.createRun(input(out.dir));
    await store.register(runId, vehicles(5));
    const queue = store.queue(runId);
    const a = (await queue.lease('w1', 600))!;
    await queue.lease('w2', 600);
    const c = (await queue.lease('w3', 600))!;
    await store.markDone(runId, c.ref, doneRecord);
    store.finishRun(runId, 'stopped');
    store.close();

    // The next process: same file, leases still far from expiry.
    store = SqliteStore.open(out.dir, { now: clock.now });
    expect(store.recoverRun(runId)).toBe(2);
    expect(await store.counts(runId)).toMatchObject({ PENDING: 4, IN_PROGRESS: 0, DONE: 1 });
    expect(await store.get(runId, a.ref)).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(store.getRun(runId)).toMatchObject({ status: 'running' });
    expect(store.getRun(runId)?.finishedAt).toBeUndefined();
    expect((await store.queue(runId).lease('w1', 30))?.ref).toBe(a.ref);
    expect(store.recoverRun('2020-01-01-1')).toBe(0);
  });
});

describe('SqliteStore.open on bad input', () => {
  let out: ReturnType<typeof tempOut>;
  beforeEach(() => {
    out = tempOut();
  });
  afterEach(() => out.cleanup());

  it.each([
    ['a text file', Buffer.from('ref,vin\nA,1HGCM82633A004352\n'.repeat(200))],
    ['random bytes', Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251))],
  ])('refuses %s with a one-line InputError naming the file, and leaves it untouched', (_, content) => {
    const dbPath = join(out.dir, 'fleetpdf.db');
    writeFileSync(dbPath, content);
    const before = readdirSync(out.dir);
    let error: unknown;
    try {
      SqliteStore.open(out.dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toBe(
      `tracking database ${out.dir}/fleetpdf.db is not a valid SQLite database (file is not a database); move it aside to start fresh`,
    );
    expect(message).not.toContain('\n');
    expect(readFileSync(dbPath).equals(content)).toBe(true);
    expect(readdirSync(out.dir)).toEqual(before);
  });

  it('names the path as the user wrote it (relative, trailing slash)', () => {
    const relativeDir = `./${relative(process.cwd(), join(out.dir, 'out'))}`;
    mkdirSync(join(out.dir, 'out'));
    writeFileSync(join(out.dir, 'out', 'fleetpdf.db'), 'not a db');
    expect(() => SqliteStore.open(`${relativeDir}/`)).toThrow(`tracking database ${relativeDir}/fleetpdf.db is not a valid SQLite database`);
  });

  it('refuses a database written by a newer fleetpdf', () => {
    const db = new Database(join(out.dir, 'fleetpdf.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => SqliteStore.open(out.dir)).toThrow(/newer fleetpdf/);
  });

  it('gives a one-line InputError for an out dir that cannot be created', () => {
    writeFileSync(join(out.dir, 'a-file'), 'x');
    const bad = join(out.dir, 'a-file', 'output');
    let error: unknown;
    try {
      SqliteStore.open(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(new RegExp(`^output folder ${bad} is not writable \\(ENOTDIR`));
    expect((error as Error).message).not.toContain('\n');
  });

  it('creates a missing out dir', async () => {
    const nested = join(out.dir, 'a', 'b');
    const store = SqliteStore.open(nested);
    expect(existsSync(join(nested, 'fleetpdf.db'))).toBe(true);
    store.close();
  });
});
