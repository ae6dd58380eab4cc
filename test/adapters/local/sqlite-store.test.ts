import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { SCHEMA_VERSION, SqliteStore } from '../../../lib/adapters/local/index.js';
import { InputError } from '../../../lib/core/errors.js';
import { trackerContract } from '../../contracts/tracker.contract.js';
import { manualClock, tempOut, vehicles } from './helpers.js';
import { documentName } from '../../../lib/core/file-name.js';

const RUN = '2024-05-31-1';
const doneRecord = { bytes: 1234, sha256: 'f'.repeat(64), storageKey: `${RUN}/R00001.pdf`, attempts: 1, workerId: 'w3', durationMs: 850 };

trackerContract('SqliteStore', (clock) => {
  const out = tempOut();
  const store = SqliteStore.open(out.dir, { now: clock.now });
  return {
    tracker: store,
    close: () => {
      store.close();
      out.cleanup();
    },
  };
});

describe('SqliteStore as Tracker: the file', () => {
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

  it('registers 20,000 vehicles in one call, and only new refs the second time', async () => {
    const all = vehicles(20_000);
    expect(await store.register(RUN, all)).toBe(20_000);
    expect(await store.register(RUN, [...all.slice(0, 10), { ref: 'NEW-1' }, { ref: 'NEW-1' }])).toBe(1);
    expect((await store.counts(RUN)).PENDING).toBe(20_001);
  });

  it('stores the duration of a DONE ref', async () => {
    await store.register(RUN, vehicles(1));
    await store.markDone(RUN, 'R00001', doneRecord);
    const db = new Database(join(out.dir, 'fleetpdf.db'), { readonly: true });
    expect(db.prepare('SELECT duration_ms FROM vehicles WHERE ref = ?').get('R00001')).toEqual({ duration_ms: 850 });
    db.close();
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

  it('opens a schema 1 database (before file names were tracked): its rows keep their refs and get <ref>.pdf', async () => {
    const old = new Database(join(out.dir, 'fleetpdf.db'));
    // Schema 1 as released (lib/adapters/local/schema.ts, first migration), with one DONE row.
    old.exec(`
      CREATE TABLE runs (run_id TEXT PRIMARY KEY, folder TEXT NOT NULL, profile TEXT NOT NULL, portal TEXT NOT NULL,
        created_at INTEGER NOT NULL, finished_at INTEGER, status TEXT NOT NULL, options_json TEXT NOT NULL DEFAULT '{}');
      CREATE TABLE vehicles (run_id TEXT NOT NULL, ref TEXT NOT NULL, vin TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        available_at INTEGER NOT NULL, lease_owner TEXT, lease_token TEXT, lease_expires_at INTEGER, bytes INTEGER, sha256 TEXT,
        storage_key TEXT, last_error TEXT, error_reason TEXT, worker_id TEXT, started_at INTEGER, finished_at INTEGER,
        duration_ms INTEGER, updated_at INTEGER NOT NULL, PRIMARY KEY (run_id, ref));
      CREATE INDEX vehicles_lease ON vehicles (run_id, status, available_at, ref);
      INSERT INTO vehicles (run_id, ref, status, attempts, available_at, updated_at, bytes, sha256, storage_key)
        VALUES ('${RUN}', 'OLD-1', 'DONE', 1, 0, 0, 10, 'ab', '${RUN}/OLD-1.pdf');
    `);
    old.pragma('user_version = 1');
    old.close();
    const store = SqliteStore.open(out.dir);
    onTestFinished(() => store.close());
    const row = await store.get(RUN, 'OLD-1');
    expect(row).toMatchObject({ ref: 'OLD-1', status: 'DONE', storageKey: `${RUN}/OLD-1.pdf` });
    expect(row?.file).toBeUndefined();
    expect(documentName(row!).file).toBe('OLD-1.pdf');
    await store.register(RUN, [{ ref: 'NEW/1', file: 'NEW_1~abcdef.pdf' }]);
    expect((await store.get(RUN, 'NEW/1'))?.file).toBe('NEW_1~abcdef.pdf');
    const db = new Database(join(out.dir, 'fleetpdf.db'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
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
