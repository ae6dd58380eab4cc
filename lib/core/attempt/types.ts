import type { FleetPdfError } from '../errors.js';
import type { CounterValues } from '../ports.js';
import type { Outcome } from '../types.js';

/** The rules' tunables (lib/settings has their defaults and docs). */
export interface AttemptPolicy {
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Throttled retries per vehicle that are not counted as attempts. */
  freeThrottles: number;
  /** The longest Retry-After waited out; a longer one stops the run. */
  maxRetryAfterMs: number;
  /** Ended sessions per vehicle that are not counted as attempts. */
  freeRelogins: number;
  /** A vehicle given back after its session ended waits a random 0..this ms (the workers resume staggered). */
  reloginStaggerMs: number;
}

/** What the vehicle has been through before this attempt. */
export interface VehicleHistory {
  /** Attempts counted before this one. */
  attempts: number;
  /** Throttled retries it had that were not counted. */
  throttles: number;
  /** Ended sessions it had that were not counted. */
  relogins: number;
}

export interface AttemptInput {
  outcome: Outcome;
  vehicle: VehicleHistory;
  /** The run's circuit breaker is open, with this outcome already counted (see breakerSignal). */
  breakerOpen: boolean;
  /** How long a parked vehicle waits: the breaker's current pause. */
  pauseMs: number;
  policy: AttemptPolicy;
  /** For the backoff's jitter. @default Math.random */
  random?: () => number;
}

/** What the attempt means for the portal as a whole (the circuit breaker's input). */
export type BreakerSignal = 'success' | 'failure' | 'critical' | 'none';

/**
 * What the attempt means for the run's concurrency (the adaptive limit's input). An ended
 * session lowers it like a throttle (fewer requests in flight make a short session last
 * longer); `staleVersion` lets the limit hear each ended session once, however many workers saw it.
 */
export type LimitSignal =
  | { kind: 'success'; latencyMs: number }
  | { kind: 'throttle' }
  | { kind: 'session-ended'; staleVersion: number }
  | { kind: 'none' };

/** What the queue does with the vehicle. */
export type QueueAction =
  /** Handled (DONE, or already DONE): take it off the queue. */
  | { kind: 'done' }
  /** Try again after `delayMs`; `countAttempt` when it used one of its attempts. */
  | { kind: 'retry'; delayMs: number; countAttempt: boolean }
  /** The portal as a whole is failing: wait out the pause without using an attempt. */
  | { kind: 'park'; delayMs: number }
  /** FAILED for good. `deadLetter`: it ran out of attempts (the cloud keeps it in the DLQ for a redrive). */
  | { kind: 'give-up'; deadLetter: boolean }
  /** Not this vehicle's fault and the run cannot go on: give it back untouched. */
  | { kind: 'release' };

/** The failure written on the vehicle's tracking row. */
export interface FailureRecord {
  error: string;
  reason: string;
  /** Attempts counted, this one included when it counted. */
  attempts: number;
}

/** The effects of one attempt, for a driver (the local lease loop, the SQS handler) to carry out. */
export interface AttemptEffects {
  result: 'done' | 'already-done' | 'retry' | 'parked' | 'failed' | 'stopped';
  /** The tracking row: DONE was written by storeVehicle itself (a conditional write). */
  tracker: { write: 'none' } | { write: 'error'; failure: FailureRecord } | { write: 'failed'; failure: FailureRecord };
  queue: QueueAction;
  /** Run counters to add to. */
  counters: Partial<CounterValues>;
  limit: LimitSignal;
  /** The worker's page may still hold a request the portal never answered: rebuild it. */
  recyclePage: boolean;
  /** The vehicle's history after this attempt (its uncounted retries). */
  vehicle: VehicleHistory;
  /** The run must stop taking work (wrong credentials, bad configuration). */
  stopRun?: FleetPdfError;
}
