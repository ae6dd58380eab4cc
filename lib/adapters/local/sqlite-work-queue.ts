import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { QueueDepth, WorkItem, WorkQueue } from '../../core/ports.js';
import { LEASE_EXPIRED_ERROR, LEASE_EXPIRED_REASON } from '../../core/lease-expiry.js';

interface LeasedRow {
  ref: string;
  file: string | null;
  vin: string | null;
  attempts: number;
  lease_token: string;
}

interface DepthRow {
  available: number;
  delayed: number;
  leased: number;
  next_available_at: number | null;
}

/**
 * The vehicles table of one run used as a lease queue. better-sqlite3 is synchronous, so each
 * method runs its statement to completion before any other promise continues; the lease is a
 * single UPDATE ... RETURNING, so it is atomic across connections and processes as well.
 * Every change to a leased row is conditional on the lease token: a worker whose lease expired
 * and was handed to someone else cannot give the ref back or clear the new holder's lease.
 */
export class SqliteWorkQueue implements WorkQueue {
  readonly #runId: string;
  readonly #now: () => number;
  readonly #lease: Database.Statement;
  readonly #handled: Database.Statement;
  readonly #reclaim: Database.Statement;
  readonly #reclaimExpired: Database.Statement;
  readonly #depth: Database.Statement;

  constructor(db: Database.Database, runId: string, now: () => number) {
    this.#runId = runId;
    this.#now = now;
    this.#lease = db.prepare(`
      UPDATE vehicles
         SET status = 'IN_PROGRESS', lease_owner = @owner, lease_token = @token, lease_expires_at = @expires,
             worker_id = @owner, started_at = @now, updated_at = @now
       WHERE run_id = @runId
         AND ref = (SELECT ref FROM vehicles
                     WHERE run_id = @runId AND status = 'PENDING' AND available_at <= @now
                     ORDER BY available_at, ref LIMIT 1)
      RETURNING ref, file, vin, attempts, lease_token`);
    this.#handled = db.prepare(`
      UPDATE vehicles SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
       WHERE run_id = @runId AND ref = @ref AND lease_token = @token`);
    // attempts is set from the item rather than incremented: the Tracker's recordError may
    // already have counted this same attempt, and counting it twice would fail a ref early.
    this.#reclaim = db.prepare(`
      UPDATE vehicles
         SET status = 'PENDING', available_at = @availableAt,
             attempts = CASE WHEN @countAttempt = 1 THEN MAX(attempts, @attempts + 1) ELSE attempts END,
             last_error = COALESCE(@error, last_error),
             lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
       WHERE run_id = @runId AND ref = @ref AND lease_token = @token AND status = 'IN_PROGRESS'`);
    // An IN_PROGRESS row without a lease has no holder that could ever give it back: reclaim it too.
    this.#reclaimExpired = db.prepare(`
      UPDATE vehicles
         SET status = 'PENDING', available_at = @now, attempts = attempts + 1,
             last_error = @error, error_reason = @reason,
             lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
       WHERE run_id = @runId AND status = 'IN_PROGRESS' AND (lease_expires_at IS NULL OR lease_expires_at <= @now)`);
    this.#depth = db.prepare(`
      SELECT COALESCE(SUM(status = 'PENDING' AND available_at <= @now), 0) AS available,
             COALESCE(SUM(status = 'PENDING' AND available_at > @now), 0) AS delayed,
             COALESCE(SUM(status = 'IN_PROGRESS'), 0) AS leased,
             MIN(CASE WHEN status = 'PENDING' AND available_at > @now THEN available_at END) AS next_available_at
        FROM vehicles
       WHERE run_id = @runId AND status IN ('PENDING', 'IN_PROGRESS')`);
  }

  get runId(): string {
    return this.#runId;
  }

  async lease(workerId: string, leaseSecs: number): Promise<WorkItem | undefined> {
    const now = this.#now();
    const row = this.#lease.get({
      runId: this.#runId,
      owner: workerId,
      token: randomUUID(),
      expires: now + Math.round(leaseSecs * 1000),
      now,
    }) as LeasedRow | undefined;
    if (!row) return undefined;
    const item: WorkItem = { runId: this.#runId, ref: row.ref, attempts: row.attempts, leaseToken: row.lease_token };
    if (row.file !== null) item.file = row.file;
    if (row.vin !== null) item.vin = row.vin;
    return item;
  }

  async markHandled(item: WorkItem): Promise<void> {
    this.#handled.run({ runId: this.#runId, ref: item.ref, token: item.leaseToken, now: this.#now() });
  }

  async reclaim(item: WorkItem, options: { delayMs: number; countAttempt: boolean; error?: string }): Promise<void> {
    const now = this.#now();
    this.#reclaim.run({
      runId: this.#runId,
      ref: item.ref,
      token: item.leaseToken,
      availableAt: now + Math.max(0, Math.round(options.delayMs)),
      countAttempt: options.countAttempt ? 1 : 0,
      attempts: item.attempts,
      error: options.error ?? null,
      now,
    });
  }

  async reclaimExpired(): Promise<number> {
    return this.#reclaimExpired.run({ runId: this.#runId, now: this.#now(), error: LEASE_EXPIRED_ERROR, reason: LEASE_EXPIRED_REASON })
      .changes;
  }

  async depth(): Promise<QueueDepth> {
    const row = this.#depth.get({ runId: this.#runId, now: this.#now() }) as DepthRow;
    const depth: QueueDepth = { available: row.available, delayed: row.delayed, leased: row.leased };
    if (row.next_available_at !== null) depth.nextAvailableAt = row.next_available_at;
    return depth;
  }
}
