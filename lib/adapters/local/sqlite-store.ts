import { mkdirSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { InputError } from '../../core/errors.js';
import type { DoneRecord, Tracker, TrackingRow } from '../../core/ports.js';
import { VehicleStatus, type Vehicle } from '../../core/types.js';
import { RunStatus } from './constants.js';
import { ensureWritableDir, openDatabase } from './open-database.js';
import { toRunRecord, toTrackingRow, type RunRowDb, type VehicleRowDb } from './rows.js';
import { localDate, nextRunNumber } from './run-id.js';
import { SqliteWorkQueue } from './sqlite-work-queue.js';
import type { CreateRunInput, FinishedRunStatus, RunRecord, SqliteStoreOptions } from './types.js';

type Failure = { error: string; reason: string; attempts: number };

/**
 * Tracking, runs and the lease queue of the local mode, in `<out>/fleetpdf.db`.
 * Tracker methods are async to fit the port but finish their work before returning
 * (better-sqlite3 is synchronous); the run methods the CLI calls once are plain sync.
 */
export class SqliteStore implements Tracker {
  readonly outDir: string;
  /** `<outDir>/fleetpdf.db` as the user wrote the out dir, for messages. */
  readonly displayPath: string;
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #queues = new Map<string, SqliteWorkQueue>();
  readonly #s: ReturnType<typeof prepare>;

  private constructor(outDir: string, db: Database.Database, displayPath: string, now: () => number) {
    this.outDir = outDir;
    this.displayPath = displayPath;
    this.#db = db;
    this.#now = now;
    this.#s = prepare(db);
  }

  /** Open or create `<outDir>/fleetpdf.db` (and outDir). Throws InputError for an unusable dir or file. */
  static open(outDir: string, options: SqliteStoreOptions = {}): SqliteStore {
    const { db, displayPath } = openDatabase(outDir, options.busyTimeoutMs);
    return new SqliteStore(outDir, db, displayPath, options.now ?? Date.now);
  }

  /** The lease queue of one run (one instance per run, statements prepared once). */
  queue(runId: string): SqliteWorkQueue {
    let queue = this.#queues.get(runId);
    if (!queue) {
      queue = new SqliteWorkQueue(this.#db, runId, this.#now);
      this.#queues.set(runId, queue);
    }
    return queue;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  // ---- runs ----

  /** The row with its folder as an absolute path under this out dir (see runFolder). */
  #resolveFolder(row: RunRowDb): RunRowDb {
    return { ...row, folder: runFolder(this.outDir, row.folder) };
  }

  /** A new run `<YYYY-MM-DD>-<n>` with its folder created; n follows both the db and the folders on disk. */
  createRun(input: CreateRunInput): { runId: string; folder: string } {
    ensureWritableDir(input.outDir);
    const now = this.#now();
    const date = localDate(now);
    const known = (this.#s.runIdsOfDay.all({ prefix: `${date}-` }) as { run_id: string }[]).map((r) => r.run_id);
    let n = nextRunNumber(date, [...known, ...readdirSync(input.outDir)]);
    for (;;) {
      const runId = `${date}-${n}`;
      const folder = resolve(input.outDir, runId);
      try {
        // Not recursive: EEXIST means the name is taken (a folder made since we looked), so take the next.
        mkdirSync(folder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          n += 1;
          continue;
        }
        throw new InputError(`cannot create run folder ${folder} (${(error as Error).message})`);
      }
      this.#s.insertRun.run({
        runId,
        // The folder's name, not its path: a moved or copied out folder finds its runs where it is.
        folder: runId,
        profile: input.profile,
        portal: input.portal,
        now,
        status: RunStatus.RUNNING,
        options: JSON.stringify(input.options ?? {}),
      });
      return { runId, folder };
    }
  }

  getRun(runId: string): RunRecord | undefined {
    const row = this.#s.getRun.get({ runId }) as RunRowDb | undefined;
    return row && toRunRecord(this.#resolveFolder(row));
  }

  /**
   * The run to resume: the newest run, unless it completed. An older interrupted run behind a
   * newer completed one is not picked up again: the newer run already covered the inventory.
   */
  latestUnfinishedRun(): RunRecord | undefined {
    const row = this.#s.latestRun.get() as RunRowDb | undefined;
    return row && row.status !== RunStatus.COMPLETED ? toRunRecord(this.#resolveFolder(row)) : undefined;
  }

  /** Merge `options` into the run's recorded options (e.g. what --limit selected). */
  setRunOptions(runId: string, options: Record<string, unknown>): void {
    const current = this.getRun(runId)?.options ?? {};
    this.#s.setRunOptions.run({ runId, options: JSON.stringify({ ...current, ...options }) });
  }

  finishRun(runId: string, status: FinishedRunStatus): void {
    this.#s.finishRun.run({ runId, status, now: this.#now() });
  }

  /**
   * Resume a run after its process died: its IN_PROGRESS rows were leases of that process,
   * so they go back to PENDING without counting an attempt (the vehicle did nothing wrong),
   * and the run is running again. Returns how many rows were put back.
   */
  recoverRun(runId: string): number {
    const now = this.#now();
    return this.#db.transaction(() => {
      this.#s.reopenRun.run({ runId, status: RunStatus.RUNNING });
      return this.#s.recoverRows.run({ runId, now }).changes;
    })();
  }

  /**
   * Give the FAILED vehicles of a run another full set of attempts (a run resumed after it
   * ended with failures). Their last error stays until they are tried again. Returns how many.
   */
  retryFailed(runId: string): number {
    return this.#s.retryFailedRows.run({ runId, now: this.#now() }).changes;
  }

  // ---- Tracker ----

  async register(runId: string, vehicles: Vehicle[]): Promise<number> {
    const now = this.#now();
    return this.#db.transaction(() => {
      let added = 0;
      for (const v of vehicles) added += this.#s.insertPending.run({ runId, ref: v.ref, file: v.file ?? null, vin: v.vin ?? null, now }).changes;
      return added;
    })();
  }

  /** Refused refs become SKIPPED; a ref already tracked keeps its row (a rejected duplicate must not hide the valid one). */
  async registerSkipped(runId: string, skipped: { ref: string; reason: string }[]): Promise<void> {
    const now = this.#now();
    this.#db.transaction(() => {
      for (const s of skipped) this.#s.insertSkipped.run({ runId, ref: s.ref, reason: s.reason, now });
    })();
  }

  async get(runId: string, ref: string): Promise<TrackingRow | undefined> {
    const row = this.#s.getVehicle.get({ runId, ref }) as VehicleRowDb | undefined;
    return row && toTrackingRow(row);
  }

  async markInProgress(runId: string, ref: string, workerId: string): Promise<void> {
    this.#s.markInProgress.run({ runId, ref, workerId, now: this.#now() });
  }

  async markDone(runId: string, ref: string, done: DoneRecord): Promise<boolean> {
    const result = this.#s.markDone.run({
      runId,
      ref,
      bytes: done.bytes,
      sha256: done.sha256,
      storageKey: done.storageKey,
      attempts: done.attempts,
      workerId: done.workerId ?? null,
      durationMs: done.durationMs ?? null,
      now: this.#now(),
    });
    return result.changes === 1;
  }

  async markFailed(runId: string, ref: string, failure: Failure): Promise<void> {
    this.#s.markFailed.run({ runId, ref, ...failure, now: this.#now() });
  }

  async recordError(runId: string, ref: string, failure: Failure): Promise<void> {
    this.#s.recordError.run({ runId, ref, ...failure, now: this.#now() });
  }

  async counts(runId: string): Promise<Record<VehicleStatus, number>> {
    const counts = Object.fromEntries(Object.values(VehicleStatus).map((s) => [s, 0])) as Record<VehicleStatus, number>;
    for (const row of this.#s.counts.all({ runId }) as { status: VehicleStatus; n: number }[]) {
      // A status this build does not know (a newer schema's) is still counted, so totals add up.
      counts[row.status] = (counts[row.status] ?? 0) + row.n;
    }
    return counts;
  }

  async list(runId: string): Promise<TrackingRow[]> {
    return (this.#s.list.all({ runId }) as VehicleRowDb[]).map(toTrackingRow);
  }
}

const LEASE_CLEARED = 'lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL';

function prepare(db: Database.Database) {
  return {
    runIdsOfDay: db.prepare(`SELECT run_id FROM runs WHERE substr(run_id, 1, length(@prefix)) = @prefix`),
    insertRun: db.prepare(`
      INSERT INTO runs (run_id, folder, profile, portal, created_at, finished_at, status, options_json)
      VALUES (@runId, @folder, @profile, @portal, @now, NULL, @status, @options)`),
    getRun: db.prepare(`SELECT * FROM runs WHERE run_id = @runId`),
    latestRun: db.prepare(`SELECT * FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1`),
    finishRun: db.prepare(`UPDATE runs SET status = @status, finished_at = @now WHERE run_id = @runId`),
    setRunOptions: db.prepare(`UPDATE runs SET options_json = @options WHERE run_id = @runId`),
    reopenRun: db.prepare(`UPDATE runs SET status = @status, finished_at = NULL WHERE run_id = @runId`),
    recoverRows: db.prepare(`
      UPDATE vehicles SET status = 'PENDING', ${LEASE_CLEARED}, updated_at = @now
       WHERE run_id = @runId AND status = 'IN_PROGRESS'`),
    retryFailedRows: db.prepare(`
      UPDATE vehicles SET status = 'PENDING', attempts = 0, available_at = @now, ${LEASE_CLEARED}, updated_at = @now
       WHERE run_id = @runId AND status = 'FAILED'`),
    insertPending: db.prepare(`
      INSERT OR IGNORE INTO vehicles (run_id, ref, file, vin, status, attempts, available_at, updated_at)
      VALUES (@runId, @ref, @file, @vin, 'PENDING', 0, @now, @now)`),
    insertSkipped: db.prepare(`
      INSERT OR IGNORE INTO vehicles (run_id, ref, status, attempts, available_at, last_error, error_reason, finished_at, updated_at)
      VALUES (@runId, @ref, 'SKIPPED', 0, @now, @reason, @reason, @now, @now)`),
    getVehicle: db.prepare(`SELECT * FROM vehicles WHERE run_id = @runId AND ref = @ref`),
    // The lease (if any) stays: it is the queue's, and the watchdog needs its expiry.
    markInProgress: db.prepare(`
      UPDATE vehicles SET status = 'IN_PROGRESS', worker_id = @workerId, started_at = @now, updated_at = @now
       WHERE run_id = @runId AND ref = @ref AND status <> 'DONE'`),
    markDone: db.prepare(`
      UPDATE vehicles
         SET status = 'DONE', bytes = @bytes, sha256 = @sha256, storage_key = @storageKey,
             attempts = MAX(attempts, @attempts), worker_id = COALESCE(@workerId, worker_id),
             duration_ms = @durationMs, finished_at = @now, updated_at = @now, ${LEASE_CLEARED}
       WHERE run_id = @runId AND ref = @ref AND status <> 'DONE'`),
    // Never demotes a DONE row: a slow duplicate that fails after another worker succeeded changes nothing.
    markFailed: db.prepare(`
      UPDATE vehicles
         SET status = 'FAILED', last_error = @error, error_reason = @reason, attempts = MAX(attempts, @attempts),
             finished_at = @now, updated_at = @now, ${LEASE_CLEARED}
       WHERE run_id = @runId AND ref = @ref AND status <> 'DONE'`),
    recordError: db.prepare(`
      UPDATE vehicles SET last_error = @error, error_reason = @reason, attempts = MAX(attempts, @attempts), updated_at = @now
       WHERE run_id = @runId AND ref = @ref AND status <> 'DONE'`),
    counts: db.prepare(`SELECT status, COUNT(*) AS n FROM vehicles WHERE run_id = @runId GROUP BY status`),
    list: db.prepare(`SELECT * FROM vehicles WHERE run_id = @runId ORDER BY ref`),
  };
}

/**
 * A run's folder under `outDir`. Rows store the folder's name; databases written before that
 * store an absolute path, used only while it is still under `outDir`: in a moved or copied
 * out folder it names the old place (a copy would write into the original), so its name is
 * taken under `outDir` instead.
 */
export function runFolder(outDir: string, stored: string): string {
  const out = resolve(outDir);
  if (!isAbsolute(stored)) return resolve(out, stored);
  const rel = relative(out, stored);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return stored;
  return resolve(out, basename(stored));
}
