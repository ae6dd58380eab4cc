import { trackingRow } from '../../core/tracking-row.js';
import type { TrackingRow } from '../../core/ports.js';
import { VehicleStatus } from '../../core/types.js';
import { compareUtf8 } from './utf8-order.js';

/** A tracking row as the memory adapters hold it: the port's fields plus the lease queue's. */
export interface MemoryRow extends TrackingRow {
  durationMs?: number;
  /** Epoch ms from which a PENDING row may be leased. */
  availableAt: number;
  leaseOwner?: string;
  leaseToken?: string;
  leaseExpiresAt?: number;
  /** Bumped each time the row becomes PENDING, so older entries of the due order are ignored. */
  dueSeq: number;
}

interface DueEntry {
  availableAt: number;
  ref: string;
  seq: number;
}

/**
 * The rows of one run, and its PENDING refs in lease order (available_at, then ref) as a binary
 * heap, so leasing a 20,000-ref run is not a scan per lease. Entries go stale when their row
 * leaves PENDING or becomes PENDING again; they are dropped when they reach the top.
 */
export class RunRows {
  readonly rows = new Map<string, MemoryRow>();
  readonly #due: DueEntry[] = [];

  /** Make a row PENDING from `availableAt` (a new row, a reclaim, the watchdog). */
  makePending(row: MemoryRow, availableAt: number): void {
    row.status = VehicleStatus.PENDING;
    row.availableAt = availableAt;
    row.dueSeq += 1;
    this.#push({ availableAt, ref: row.ref, seq: row.dueSeq });
  }

  /** The PENDING row that has waited longest, if it is leasable at `now`; it leaves the due order. */
  takeDue(now: number): MemoryRow | undefined {
    for (;;) {
      const top = this.#due[0];
      if (!top) return undefined;
      const row = this.rows.get(top.ref);
      const current = row !== undefined && row.status === VehicleStatus.PENDING && row.dueSeq === top.seq;
      if (current && top.availableAt > now) return undefined;
      this.#pop();
      if (current) return row;
    }
  }

  #push(entry: DueEntry): void {
    const heap = this.#due;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (before(heap[parent]!, entry)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): void {
    const heap = this.#due;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (before(last, heap[child]!)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: DueEntry, b: DueEntry): boolean {
  return a.availableAt !== b.availableAt ? a.availableAt < b.availableAt : compareUtf8(a.ref, b.ref) < 0;
}

/** Every run's rows; the tracker and the run's work queue share one table, like SQLite's vehicles table. */
export class TrackingTable {
  readonly #runs = new Map<string, RunRows>();

  run(runId: string): RunRows {
    let run = this.#runs.get(runId);
    if (!run) {
      run = new RunRows();
      this.#runs.set(runId, run);
    }
    return run;
  }

  row(runId: string, ref: string): MemoryRow | undefined {
    return this.#runs.get(runId)?.rows.get(ref);
  }
}


/** Forget a row's lease (the queue's fields only). */
export function clearLease(row: MemoryRow): void {
  delete row.leaseOwner;
  delete row.leaseToken;
  delete row.leaseExpiresAt;
}

/** The port's view of a row (a copy). */
export const toTrackingRow = (row: MemoryRow): TrackingRow => trackingRow(row);
