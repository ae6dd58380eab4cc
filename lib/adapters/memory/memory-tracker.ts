import type { DoneRecord, Tracker, TrackingRow } from '../../core/ports.js';
import { VehicleStatus, type Vehicle } from '../../core/types.js';
import { MemoryWorkQueue } from './memory-work-queue.js';
import { clearLease, TrackingTable, toTrackingRow, type MemoryRow } from './tracking-table.js';
import { compareUtf8 } from './utf8-order.js';
import type { MemoryTrackerOptions } from './types.js';

type Failure = { error: string; reason: string; attempts: number };

/**
 * Tracking rows and the lease queue of every run, in memory, with the SQLite and DynamoDB
 * trackers' semantics: `register` adds only refs not yet tracked (the first of duplicates
 * wins); every change is conditional on the row existing and not being DONE (DONE is final,
 * `markDone` on it returns false); `attempts` only grows. Each call completes before it
 * returns, so a conditional change is atomic among concurrent callers, as a conditional
 * write is. For unit tests and single-process use; nothing survives the process.
 */
export class MemoryTracker implements Tracker {
  readonly #table = new TrackingTable();
  readonly #now: () => number;
  readonly #queues = new Map<string, MemoryWorkQueue>();

  constructor(options: MemoryTrackerOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** The lease queue of one run, over the same rows (as SqliteStore.queue). */
  queue(runId: string): MemoryWorkQueue {
    let queue = this.#queues.get(runId);
    if (!queue) {
      queue = new MemoryWorkQueue(this.#table.run(runId), runId, this.#now);
      this.#queues.set(runId, queue);
    }
    return queue;
  }

  async register(runId: string, vehicles: Vehicle[]): Promise<number> {
    const run = this.#table.run(runId);
    const now = this.#now();
    let added = 0;
    for (const v of vehicles) {
      if (run.rows.has(v.ref)) continue;
      const row: MemoryRow = { runId, ref: v.ref, status: VehicleStatus.PENDING, attempts: 0, updatedAt: now, availableAt: now, dueSeq: 0 };
      if (v.file !== undefined) row.file = v.file;
      if (v.vin !== undefined) row.vin = v.vin;
      run.rows.set(v.ref, row);
      run.makePending(row, now);
      added += 1;
    }
    return added;
  }

  /** Refused refs become SKIPPED; a ref already tracked keeps its row (a rejected duplicate must not hide the valid one). */
  async registerSkipped(runId: string, skipped: { ref: string; reason: string }[]): Promise<void> {
    const run = this.#table.run(runId);
    const now = this.#now();
    for (const s of skipped) {
      if (run.rows.has(s.ref)) continue;
      run.rows.set(s.ref, {
        runId,
        ref: s.ref,
        status: VehicleStatus.SKIPPED,
        attempts: 0,
        lastError: s.reason,
        errorReason: s.reason,
        finishedAt: now,
        updatedAt: now,
        availableAt: now,
        dueSeq: 0,
      });
    }
  }

  async get(runId: string, ref: string): Promise<TrackingRow | undefined> {
    const row = this.#table.row(runId, ref);
    return row && toTrackingRow(row);
  }

  /** The lease (if any) stays: it is the queue's, and the watchdog needs its expiry. */
  async markInProgress(runId: string, ref: string, workerId: string): Promise<void> {
    const row = this.#notDone(runId, ref);
    if (!row) return;
    const now = this.#now();
    Object.assign(row, { status: VehicleStatus.IN_PROGRESS, workerId, startedAt: now, updatedAt: now });
  }

  async markDone(runId: string, ref: string, done: DoneRecord): Promise<boolean> {
    const row = this.#notDone(runId, ref);
    if (!row) return false;
    const now = this.#now();
    Object.assign(row, {
      status: VehicleStatus.DONE,
      bytes: done.bytes,
      sha256: done.sha256,
      storageKey: done.storageKey,
      attempts: Math.max(row.attempts, done.attempts),
      finishedAt: now,
      updatedAt: now,
    });
    if (done.workerId !== undefined) row.workerId = done.workerId;
    if (done.durationMs !== undefined) row.durationMs = done.durationMs;
    clearLease(row);
    return true;
  }

  /** Never demotes a DONE row: a slow duplicate that fails after another worker succeeded changes nothing. */
  async markFailed(runId: string, ref: string, failure: Failure): Promise<void> {
    const row = this.#notDone(runId, ref);
    if (!row) return;
    const now = this.#now();
    Object.assign(row, {
      status: VehicleStatus.FAILED,
      lastError: failure.error,
      errorReason: failure.reason,
      attempts: Math.max(row.attempts, failure.attempts),
      finishedAt: now,
      updatedAt: now,
    });
    clearLease(row);
  }

  async recordError(runId: string, ref: string, failure: Failure): Promise<void> {
    const row = this.#notDone(runId, ref);
    if (!row) return;
    Object.assign(row, {
      lastError: failure.error,
      errorReason: failure.reason,
      attempts: Math.max(row.attempts, failure.attempts),
      updatedAt: this.#now(),
    });
  }

  async counts(runId: string): Promise<Record<VehicleStatus, number>> {
    const counts = Object.fromEntries(Object.values(VehicleStatus).map((s) => [s, 0])) as Record<VehicleStatus, number>;
    for (const row of this.#table.run(runId).rows.values()) counts[row.status] += 1;
    return counts;
  }

  /** Every row of a run, ordered by ref as SQLite and DynamoDB order them (by UTF-8 bytes). */
  async list(runId: string): Promise<TrackingRow[]> {
    return [...this.#table.run(runId).rows.values()].sort((a, b) => compareUtf8(a.ref, b.ref)).map(toTrackingRow);
  }

  #notDone(runId: string, ref: string): MemoryRow | undefined {
    const row = this.#table.row(runId, ref);
    return row && row.status !== VehicleStatus.DONE ? row : undefined;
  }
}
