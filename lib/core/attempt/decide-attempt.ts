import { CriticalError, Disposition, DocumentRejectedError, leavesPageBroken, SessionExpiredError, ThrottledError, type FleetPdfError } from '../errors.js';
import type { Outcome } from '../types.js';
import { backoffMs } from './backoff.js';
import type { AttemptEffects, AttemptInput, AttemptPolicy, BreakerSignal, FailureRecord, VehicleHistory } from './types.js';

/**
 * What an attempt's outcome means for the portal as a whole: a success, a failure that is the
 * portal's (5xx, timeouts, unreachable), or a critical one (the credentials stopped working).
 * Throttles, rejected documents, unknown vehicles and ended sessions say nothing about it.
 */
export function breakerSignal(outcome: Outcome): BreakerSignal {
  if (outcome.kind === 'done') return 'success';
  if (outcome.kind === 'already-done') return 'none';
  if (outcome.error.disposition === Disposition.RETRY) return 'failure';
  // A full disk stops the run but says nothing about the portal.
  if (outcome.error.reason === 'storage_full') return 'none';
  if (outcome.error.disposition === Disposition.STOP) return 'critical';
  return 'none';
}

/**
 * The attempt engine: every rule for what happens after one attempt at one vehicle, for the
 * local lease loop and the SQS handler alike. Pure: the drivers count the outcome on the
 * breaker first (breakerSignal), then carry out what this returns.
 * - done: off the queue; the concurrency limit hears the portal's latency.
 * - stop (credentials, configuration, a Retry-After longer than `maxRetryAfterMs`): the
 *   vehicle is given back untouched, the run stops.
 * - a portal failure while the breaker is open (the one that opened it included): parked for
 *   the pause, no attempt used: it is the outage's fault, not the vehicle's.
 * - fail (the portal does not know the vehicle, ...): FAILED at once.
 * - throttle: retried after the portal's Retry-After or a backoff, the first `freeThrottles`
 *   times without using an attempt; the concurrency limit hears it.
 * - an ended session (already refreshed by the attempt): the portal's state, not the vehicle's:
 *   given back without using an attempt (the first `freeRelogins` times), back after a random
 *   stagger so the workers do not all burn the new session at once; the limit hears it.
 * - everything else (transient, ended session, rejected document): retried with a backoff
 *   while attempts last, then FAILED (dead-lettered in the cloud, for a redrive).
 */
export function decideAttempt(input: AttemptInput): AttemptEffects {
  const { outcome, vehicle } = input;
  if (outcome.kind === 'done') {
    return {
      result: 'done',
      tracker: { write: 'none' },
      queue: { kind: 'done' },
      counters: outcome.duplicate ? { duplicates: 1 } : {},
      limit: { kind: 'success', latencyMs: outcome.portalMs },
      recyclePage: false,
      vehicle,
    };
  }
  if (outcome.kind === 'already-done') {
    // Another delivery (or a resumed run) finished it: nothing was asked of the portal.
    return {
      result: 'already-done',
      tracker: { write: 'none' },
      queue: { kind: 'done' },
      counters: { duplicates: 1 },
      limit: { kind: 'none' },
      recyclePage: false,
      vehicle,
    };
  }
  const { error } = outcome;
  const base = {
    counters: rejectedCounters(error),
    limit: limitSignalOf(error),
    recyclePage: leavesPageBroken(error),
    vehicle,
  };
  const failure = (counted: boolean): FailureRecord => ({
    error: error.message,
    reason: error.reason,
    attempts: vehicle.attempts + (counted ? 1 : 0),
  });

  const stop = error.disposition === Disposition.STOP ? error : tooLongToWait(error, input.policy);
  if (stop) {
    return { ...base, result: 'stopped', tracker: { write: 'none' }, queue: { kind: 'release' }, stopRun: stop };
  }
  if (input.breakerOpen && breakerSignal(outcome) === 'failure') {
    return { ...base, result: 'parked', tracker: { write: 'error', failure: failure(false) }, queue: { kind: 'park', delayMs: input.pauseMs } };
  }
  if (error.disposition === Disposition.FAIL) {
    return { ...base, result: 'failed', tracker: { write: 'failed', failure: failure(true) }, queue: { kind: 'give-up', deadLetter: false } };
  }
  const retry = retryOf(error, vehicle, input.policy, input.random ?? Math.random);
  if (!retry) {
    return { ...base, result: 'failed', tracker: { write: 'failed', failure: failure(true) }, queue: { kind: 'give-up', deadLetter: true } };
  }
  const free = !retry.countAttempt;
  return {
    ...base,
    result: 'retry',
    tracker: { write: 'error', failure: failure(retry.countAttempt) },
    queue: { kind: 'retry', delayMs: retry.delayMs, countAttempt: retry.countAttempt },
    counters: { ...base.counters, retries: 1 },
    vehicle: {
      attempts: vehicle.attempts,
      throttles: vehicle.throttles + (free && error.disposition === Disposition.THROTTLE ? 1 : 0),
      relogins: vehicle.relogins + (free && error.disposition === Disposition.RELOGIN ? 1 : 0),
    },
  };
}

/** A portal that asks to wait longer than the run waits out: stop with the wait it asked for, run again later. */
function tooLongToWait(error: FleetPdfError, policy: AttemptPolicy): CriticalError | undefined {
  if (!(error instanceof ThrottledError) || error.retryAfterMs === undefined || error.retryAfterMs <= policy.maxRetryAfterMs) return undefined;
  return new CriticalError(
    `the portal asked to wait ${describeWait(error.retryAfterMs)} (Retry-After) before the next request, more than the ${describeWait(policy.maxRetryAfterMs)} a run waits out (--max-retry-after); run again later`,
    'retry_after_too_long',
  );
}

function describeWait(ms: number): string {
  const secs = Math.round(ms / 1000);
  if (secs < 120) return `${secs} s`;
  if (secs < 7200) return `${Math.round(secs / 60)} min`;
  return `${Math.round(secs / 360) / 10} h`;
}

function limitSignalOf(error: FleetPdfError): AttemptEffects['limit'] {
  if (error.disposition === Disposition.THROTTLE) return { kind: 'throttle' };
  if (error instanceof SessionExpiredError) return { kind: 'session-ended', staleVersion: error.staleVersion };
  return { kind: 'none' };
}

/** The retry an error earns, or undefined when the vehicle is out of attempts. */
function retryOf(
  error: FleetPdfError,
  vehicle: VehicleHistory,
  policy: AttemptPolicy,
  random: () => number,
): { delayMs: number; countAttempt: boolean } | undefined {
  const outOfAttempts = vehicle.attempts + 1 >= policy.maxAttempts;
  if (error.disposition === Disposition.THROTTLE) {
    const free = vehicle.throttles < policy.freeThrottles;
    if (!free && outOfAttempts) return undefined;
    const hinted = 'retryAfterMs' in error && typeof error.retryAfterMs === 'number' ? error.retryAfterMs : 0;
    const backoff = backoffMs(vehicle.throttles, policy.retryBaseDelayMs, policy.retryMaxDelayMs, random);
    return { delayMs: Math.max(hinted, backoff), countAttempt: !free };
  }
  if (error.disposition === Disposition.RELOGIN && vehicle.relogins < policy.freeRelogins) {
    return { delayMs: Math.round(random() * policy.reloginStaggerMs), countAttempt: false };
  }
  if (outOfAttempts) return undefined;
  return { delayMs: backoffMs(vehicle.attempts, policy.retryBaseDelayMs, policy.retryMaxDelayMs, random), countAttempt: true };
}

/** A rejected document is counted by kind: another vehicle's (wrong) or not a usable PDF (invalid). */
function rejectedCounters(error: FleetPdfError): AttemptEffects['counters'] {
  if (!(error instanceof DocumentRejectedError)) return {};
  return error.wrongVehicle ? { wrong_documents_rejected: 1 } : { invalid_documents_rejected: 1 };
}
