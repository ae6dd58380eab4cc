import { randomUUID } from 'node:crypto';
import { LEASE_EXPIRED_ERROR, LEASE_EXPIRED_REASON } from '../../core/lease-expiry.js';
import type { QueueDepth, WorkItem, WorkQueue } from '../../core/ports.js';
import { VehicleStatus } from '../../core/types.js';
import { clearLease, type RunRows } from './tracking-table.js';

/**
 * The tracking rows of one run used as a lease queue (MemoryTracker.queue), with the SQLite
 * queue's semantics: the ref that has waited longest is leased first (then by ref); every
 * change to a leased row is conditional on its lease token, so a worker whose lease expired
 * and went to someone else can neither give the ref back nor clear the new holder's lease.
 */
export class MemoryWorkQueue implements WorkQueue {
  readonly #run: RunRows;
  readonly #runId: string;
  readonly #now: () => number;

  constructor(run: RunRows, runId: string, now: () => number) {
    this.#run = run;
    this.#runId = runId;
    this.#now = now;
  }

  get runId(): string {
    return this.#runId;
  }

  async lease(workerId: string, leaseSecs: number): Promise<WorkItem | undefined> {
    const now = this.#now();
    const row = this.#run.takeDue(now);
    if (!row) return undefined;
    Object.assign(row, {
      status: VehicleStatus.IN_PROGRESS,
      leaseOwner: workerId,
      leaseToken: randomUUID(),
      leaseExpiresAt: now + Math.round(leaseSecs * 1000),
      workerId,
      startedAt: now,
      updatedAt: now,
    });
    const item: WorkItem = { runId: this.#runId, ref: row.ref, attempts: row.attempts, leaseToken: row.leaseToken! };
    if (row.file !== undefined) item.file = row.file;
    if (row.vin !== undefined) item.vin = row.vin;
    return item;
  }

  async markHandled(item: WorkItem): Promise<void> {
    const row = this.#held(item);
    if (!row) return;
    clearLease(row);
    row.updatedAt = this.#now();
  }

  /**
   * attempts is set from the item rather than incremented: the Tracker's recordError may
   * already have counted this same attempt, and counting it twice would fail a ref early.
   */
  async reclaim(item: WorkItem, options: { delayMs: number; countAttempt: boolean; error?: string }): Promise<void> {
    const row = this.#held(item);
    if (!row || row.status !== VehicleStatus.IN_PROGRESS) return;
    const now = this.#now();
    if (options.countAttempt) row.attempts = Math.max(row.attempts, item.attempts + 1);
    if (options.error !== undefined) row.lastError = options.error;
    clearLease(row);
    row.updatedAt = now;
    this.#run.makePending(row, now + Math.max(0, Math.round(options.delayMs)));
  }

  /** An IN_PROGRESS row without a lease has no holder that could ever give it back: it is reclaimed too. */
  async reclaimExpired(): Promise<number> {
    const now = this.#now();
    let reclaimed = 0;
    for (const row of this.#run.rows.values()) {
      if (row.status !== VehicleStatus.IN_PROGRESS) continue;
      if (row.leaseExpiresAt !== undefined && row.leaseExpiresAt > now) continue;
      Object.assign(row, { attempts: row.attempts + 1, lastError: LEASE_EXPIRED_ERROR, errorReason: LEASE_EXPIRED_REASON, updatedAt: now });
      clearLease(row);
      this.#run.makePending(row, now);
      reclaimed += 1;
    }
    return reclaimed;
  }

  async depth(): Promise<QueueDepth> {
    const now = this.#now();
    const depth: QueueDepth = { available: 0, delayed: 0, leased: 0 };
    for (const row of this.#run.rows.values()) {
      if (row.status === VehicleStatus.IN_PROGRESS) depth.leased += 1;
      else if (row.status !== VehicleStatus.PENDING) continue;
      else if (row.availableAt <= now) depth.available += 1;
      else {
        depth.delayed += 1;
        depth.nextAvailableAt = Math.min(depth.nextAvailableAt ?? Infinity, row.availableAt);
      }
    }
    return depth;
  }

  /** The row of `item`, while `item` still holds its lease. */
  #held(item: WorkItem) {
    const row = this.#run.rows.get(item.ref);
    return row && row.leaseToken === item.leaseToken ? row : undefined;
  }
}
