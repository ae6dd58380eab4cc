import type { PortalSession, VehicleStatus, Vehicle } from './types.js';

/**
 * Ports: what lib/core needs from the outside world. lib/adapters/local implements them
 * with SQLite and the filesystem, lib/adapters/aws with DynamoDB, SQS and S3.
 */

/** One leased unit of work: a vehicle of a run, held by one worker until handled or reclaimed. */
export interface WorkItem {
  runId: string;
  ref: string;
  /** The document's file name, as tracked. */
  file?: string;
  vin?: string;
  /** Attempts already counted before this lease (0 on the first try). */
  attempts: number;
  /** Opaque token that proves this lease is still the holder's (a stale lease cannot complete). */
  leaseToken: string;
}

/** A queue used as a lease: fetch, then mark handled or reclaim (Crawlee's RequestQueue shape). */
export interface WorkQueue {
  /** Lease the next available ref for `leaseSecs`; undefined when none is available right now. */
  lease(workerId: string, leaseSecs: number): Promise<WorkItem | undefined>;
  /** The ref reached DONE or FAILED: remove it from the queue. */
  markHandled(item: WorkItem): Promise<void>;
  /** Give the ref back; it is leased again after `delayMs`. `countAttempt` adds one to its attempts. */
  reclaim(item: WorkItem, options: { delayMs: number; countAttempt: boolean; error?: string }): Promise<void>;
  /** Watchdog: put back every lease that expired (a stuck or dead worker). Returns how many. */
  reclaimExpired(): Promise<number>;
  /** What is left: refs leasable now, refs waiting for a backoff, refs leased. */
  depth(): Promise<QueueDepth>;
}

export interface QueueDepth {
  available: number;
  delayed: number;
  leased: number;
  /** Epoch ms when the next delayed ref becomes leasable. */
  nextAvailableAt?: number;
}

/** One (runId, ref) tracking row. */
export interface TrackingRow {
  runId: string;
  ref: string;
  /** The document's file name (lib/core/file-name.ts); absent on SKIPPED rows and rows tracked before names were. */
  file?: string;
  vin?: string;
  status: VehicleStatus;
  attempts: number;
  bytes?: number;
  sha256?: string;
  storageKey?: string;
  lastError?: string;
  /** Stable failure reason (see FleetPdfError.reason) for grouping. */
  errorReason?: string;
  workerId?: string;
  startedAt?: number;
  finishedAt?: number;
  updatedAt: number;
}

export interface DoneRecord {
  bytes: number;
  sha256: string;
  storageKey: string;
  attempts: number;
  workerId?: string;
  durationMs?: number;
}

/** Per-(runId, ref) state. A DONE row is final: markDone on it returns false and changes nothing. */
export interface Tracker {
  /** Create PENDING rows for refs not yet tracked (existing rows are left alone). Returns how many were added. */
  register(runId: string, vehicles: Vehicle[]): Promise<number>;
  /** Record refs the inventory step refused, as SKIPPED with their reason. */
  registerSkipped(runId: string, skipped: { ref: string; reason: string }[]): Promise<void>;
  get(runId: string, ref: string): Promise<TrackingRow | undefined>;
  markInProgress(runId: string, ref: string, workerId: string): Promise<void>;
  /** Conditional: only a row that is not DONE becomes DONE. */
  markDone(runId: string, ref: string, done: DoneRecord): Promise<boolean>;
  markFailed(runId: string, ref: string, failure: { error: string; reason: string; attempts: number }): Promise<void>;
  /** Note the latest error of a ref that will be retried. */
  recordError(runId: string, ref: string, failure: { error: string; reason: string; attempts: number }): Promise<void>;
  counts(runId: string): Promise<Record<VehicleStatus, number>>;
  list(runId: string): Promise<TrackingRow[]>;
}

/**
 * A document's names: the portal's exact ref (kept with the document where the store can,
 * e.g. S3 metadata) and the file name it is stored under (lib/core/file-name.ts; a store
 * refuses a name the rule could not have made).
 */
export interface DocumentName {
  ref: string;
  file: string;
}

/** Where verified PDFs go: a run folder, or an S3 prefix. Documents are stored by file name. */
export interface DocumentStore {
  /** Write atomically: a reader never sees a half-written document. Returns the storage key. */
  put(runId: string, name: DocumentName, bytes: Buffer, sha256: string): Promise<string>;
  /** The stored document of a name, if any (used to adopt a file written just before a crash). */
  get(runId: string, name: DocumentName): Promise<Buffer | undefined>;
  keyFor(runId: string, name: DocumentName): string;
}

/** Where the shared portal session lives, with a lock so that only one worker logs in at a time. */
export interface SessionStore {
  get(): Promise<PortalSession | undefined>;
  /** Store a session; refused (false) when a session of the same or a newer version is already stored. */
  put(session: PortalSession): Promise<boolean>;
  /** Note that the session of this version served a document (a no-op when another version is stored now). */
  markServed(version: number): Promise<void>;
  /** Try to take the refresh lock for `ttlMs`; false when someone else holds it. */
  tryLock(owner: string, ttlMs: number): Promise<boolean>;
  unlock(owner: string): Promise<void>;
}

/** Run-wide tallies the report needs that no tracking row holds, in report order. */
export const COUNTER_NAMES = [
  'retries',
  'wrong_documents_rejected',
  'invalid_documents_rejected',
  'duplicates',
  'browser_restarts',
  'breaker_opens',
  'direct_downloads',
  'browser_downloads',
  'direct_fallbacks',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];
export type CounterValues = Record<CounterName, number>;

/**
 * A run's counters: in memory for a local run, one DynamoDB item shared by every Lambda
 * container of a cloud run. Adding is atomic; nothing is ever read back to add to it.
 */
export interface RunCounterStore {
  /** Add to some counters (zeros and non-finite numbers are ignored). */
  add(runId: string, deltas: Partial<CounterValues>): Promise<void>;
  /** Every counter of the run, 0 for those never added to. */
  get(runId: string): Promise<CounterValues>;
}

/** Outcomes of a run's recent window, summed over every worker that shares it. */
export interface BreakerWindow {
  samples: number;
  errors: number;
}

/** Why a shared breaker opened. */
export interface BreakerTrip {
  /** One line: what failed, e.g. `http_503: portal answered 503`. */
  reason: string;
  /** Not the portal's bad luck but ours (credentials, config): no automatic resume. */
  critical: boolean;
  /** Epoch ms. */
  openedAt: number;
}

/**
 * The circuit breaker's state, per run: a window of recent outcomes and the open flag. In
 * memory for a local run; in DynamoDB for the cloud, where every Lambda container shares it.
 */
export interface BreakerStore {
  /** Count one outcome in the run's current window; returns the window's totals. */
  record(runId: string, failed: boolean): Promise<BreakerWindow>;
  /** Open the breaker; false when it was already open (someone else tripped it first). */
  trip(runId: string, trip: BreakerTrip): Promise<boolean>;
  /** The trip, while the breaker is open. */
  state(runId: string): Promise<BreakerTrip | undefined>;
  /** Close it again and forget the window. */
  reset(runId: string): Promise<void>;
}
