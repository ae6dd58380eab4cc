import { describe, expect, it } from 'vitest';
import { breakerSignal, decideAttempt, type AttemptEffects, type AttemptInput } from '../../../lib/core/attempt/index.js';
import {
  CriticalError,
  DocumentRejectedError,
  LoginRejectedError,
  SessionExpiredError,
  ThrottledError,
  TransientError,
  VehicleFailedError,
} from '../../../lib/core/errors.js';
import type { Outcome } from '../../../lib/core/types.js';
import { outcomes } from '../../helpers/factories.js';

const policy = { maxAttempts: 3, retryBaseDelayMs: 1000, retryMaxDelayMs: 8000, freeThrottles: 2, maxRetryAfterMs: 300_000, freeRelogins: 2, reloginStaggerMs: 600 };
/** Jitter at its middle: a backoff of ceiling / 2. */
const half = () => 0.5;

function decide(outcome: Outcome, over: Partial<Omit<AttemptInput, 'outcome' | 'policy'>> = {}): AttemptEffects {
  return decideAttempt({
    outcome,
    vehicle: { attempts: 0, throttles: 0, relogins: 0 },
    breakerOpen: false,
    pauseMs: 15_000,
    policy,
    random: half,
    ...over,
  });
}

const http503 = () => new TransientError('HTTP 503 on vehicle page', 'http_503');
const timeout = () => new TransientError('vehicle took longer than 60000 ms', 'vehicle_timeout');
const wrong = () => new DocumentRejectedError('PDF is for ref R2, expected ref R1', 'wrong_vehicle');
const notPdf = () => new DocumentRejectedError('got an HTML page instead of a PDF', 'not_pdf');
const tooLarge = () => new DocumentRejectedError('a stream decodes to more than 64 MiB (cap 64 MiB)', 'too_large');
const expired = () => new SessionExpiredError('the portal ended the session', 3);
const throttled = (retryAfterMs?: number) => new ThrottledError('HTTP 429', retryAfterMs);
const unknown = () => new VehicleFailedError('the portal does not know ref R1 (404)', 'not_found');
const badLogin = () => new LoginRejectedError();

/**
 * Every disposition, one row each: the outcome, the vehicle's history, the breaker, and what
 * the engine must answer. `queue`, `tracker` and `counters` are compared exactly.
 */
const table: {
  name: string;
  outcome: Outcome;
  attempts?: number;
  throttles?: number;
  relogins?: number;
  breakerOpen?: boolean;
  result: AttemptEffects['result'];
  queue: AttemptEffects['queue'];
  tracker: AttemptEffects['tracker'];
  counters?: AttemptEffects['counters'];
  limit?: AttemptEffects['limit'];
  recyclePage?: boolean;
  nextThrottles?: number;
  nextRelogins?: number;
  stops?: boolean;
}[] = [
  {
    name: 'done: off the queue, the limit hears the portal latency',
    outcome: outcomes.done('R1', { portalMs: 800 }),
    result: 'done',
    queue: { kind: 'done' },
    tracker: { write: 'none' },
    limit: { kind: 'success', latencyMs: 800 },
  },
  {
    name: 'done by a second delivery: counted as a duplicate',
    outcome: outcomes.done('R1', { duplicate: true }),
    result: 'done',
    queue: { kind: 'done' },
    tracker: { write: 'none' },
    counters: { duplicates: 1 },
  },
  {
    name: 'already DONE: a duplicate, nothing asked of the portal, the limit hears nothing',
    outcome: outcomes.alreadyDone('R1'),
    result: 'already-done',
    queue: { kind: 'done' },
    tracker: { write: 'none' },
    counters: { duplicates: 1 },
    limit: { kind: 'none' },
  },
  {
    name: 'transient, first attempt: a counted retry after base x 2^0 / 2',
    outcome: outcomes.error(http503()),
    result: 'retry',
    queue: { kind: 'retry', delayMs: 500, countAttempt: true },
    tracker: { write: 'error', failure: { error: 'HTTP 503 on vehicle page', reason: 'http_503', attempts: 1 } },
    counters: { retries: 1 },
  },
  {
    name: 'transient, second attempt: the backoff doubles',
    outcome: outcomes.error(http503()),
    attempts: 1,
    result: 'retry',
    queue: { kind: 'retry', delayMs: 1000, countAttempt: true },
    tracker: { write: 'error', failure: { error: 'HTTP 503 on vehicle page', reason: 'http_503', attempts: 2 } },
    counters: { retries: 1 },
  },
  {
    name: 'transient, last attempt: FAILED and dead-lettered',
    outcome: outcomes.error(http503()),
    attempts: 2,
    result: 'failed',
    queue: { kind: 'give-up', deadLetter: true },
    tracker: { write: 'failed', failure: { error: 'HTTP 503 on vehicle page', reason: 'http_503', attempts: 3 } },
  },
  {
    name: 'a timed-out attempt: retried, and the page rebuilt',
    outcome: outcomes.error(timeout()),
    result: 'retry',
    queue: { kind: 'retry', delayMs: 500, countAttempt: true },
    tracker: { write: 'error', failure: { error: 'vehicle took longer than 60000 ms', reason: 'vehicle_timeout', attempts: 1 } },
    counters: { retries: 1 },
    recyclePage: true,
  },
  {
    name: 'transient while the breaker is open: parked for the pause, no attempt used',
    outcome: outcomes.error(http503()),
    attempts: 2,
    breakerOpen: true,
    result: 'parked',
    queue: { kind: 'park', delayMs: 15_000 },
    tracker: { write: 'error', failure: { error: 'HTTP 503 on vehicle page', reason: 'http_503', attempts: 2 } },
  },
  {
    name: 'another vehicle\'s PDF: retried and counted as wrong',
    outcome: outcomes.error(wrong()),
    result: 'retry',
    queue: { kind: 'retry', delayMs: 500, countAttempt: true },
    tracker: { write: 'error', failure: { error: 'PDF is for ref R2, expected ref R1', reason: 'wrong_vehicle', attempts: 1 } },
    counters: { retries: 1, wrong_documents_rejected: 1 },
  },
  {
    name: 'not a PDF, on the last attempt: FAILED, counted as invalid',
    outcome: outcomes.error(notPdf()),
    attempts: 2,
    result: 'failed',
    queue: { kind: 'give-up', deadLetter: true },
    tracker: { write: 'failed', failure: { error: 'got an HTML page instead of a PDF', reason: 'not_pdf', attempts: 3 } },
    counters: { invalid_documents_rejected: 1 },
  },
  {
    name: 'a rejected document while the breaker is open is still the vehicle\'s: a counted retry',
    outcome: outcomes.error(notPdf()),
    breakerOpen: true,
    result: 'retry',
    queue: { kind: 'retry', delayMs: 500, countAttempt: true },
    tracker: { write: 'error', failure: { error: 'got an HTML page instead of a PDF', reason: 'not_pdf', attempts: 1 } },
    counters: { retries: 1, invalid_documents_rejected: 1 },
  },
  {
    name: 'a document over the verification caps: FAILED at once, not retried, not dead-lettered',
    outcome: outcomes.error(tooLarge()),
    result: 'failed',
    queue: { kind: 'give-up', deadLetter: false },
    tracker: { write: 'failed', failure: { error: 'a stream decodes to more than 64 MiB (cap 64 MiB)', reason: 'too_large', attempts: 1 } },
    counters: { invalid_documents_rejected: 1 },
  },
  {
    name: 'an ended session (refreshed already): given back without an attempt, after a stagger; the limit hears it',
    outcome: outcomes.error(expired()),
    attempts: 2,
    result: 'retry',
    queue: { kind: 'retry', delayMs: 300, countAttempt: false },
    tracker: { write: 'error', failure: { error: 'the portal ended the session', reason: 'session_expired', attempts: 2 } },
    counters: { retries: 1 },
    limit: { kind: 'session-ended', staleVersion: 3 },
    nextRelogins: 1,
  },
  {
    name: 'an ended session past the free relogins: it counts (a vehicle whose page alone leads to the sign-in page)',
    outcome: outcomes.error(expired()),
    relogins: 2,
    result: 'retry',
    queue: { kind: 'retry', delayMs: 500, countAttempt: true },
    tracker: { write: 'error', failure: { error: 'the portal ended the session', reason: 'session_expired', attempts: 1 } },
    counters: { retries: 1 },
    limit: { kind: 'session-ended', staleVersion: 3 },
    nextRelogins: 2,
  },
  {
    name: 'an ended session past the free relogins on the last attempt: FAILED',
    outcome: outcomes.error(expired()),
    attempts: 2,
    relogins: 2,
    result: 'failed',
    queue: { kind: 'give-up', deadLetter: true },
    tracker: { write: 'failed', failure: { error: 'the portal ended the session', reason: 'session_expired', attempts: 3 } },
    nextRelogins: 2,
  },
  {
    name: 'throttled within the free throttles: retried after Retry-After, no attempt used',
    outcome: outcomes.error(throttled(3000)),
    attempts: 2,
    result: 'retry',
    queue: { kind: 'retry', delayMs: 3000, countAttempt: false },
    tracker: { write: 'error', failure: { error: 'HTTP 429', reason: 'throttled', attempts: 2 } },
    counters: { retries: 1 },
    limit: { kind: 'throttle' },
    nextThrottles: 1,
  },
  {
    name: 'throttled with a Retry-After longer than the run waits out (a day): the run stops, the vehicle untouched',
    outcome: outcomes.error(throttled(86_400_000)),
    result: 'stopped',
    queue: { kind: 'release' },
    tracker: { write: 'none' },
    limit: { kind: 'throttle' },
    stops: true,
  },
  {
    name: 'throttled without a hint: the backoff grows with the throttles',
    outcome: outcomes.error(throttled()),
    throttles: 1,
    result: 'retry',
    queue: { kind: 'retry', delayMs: 1000, countAttempt: false },
    tracker: { write: 'error', failure: { error: 'HTTP 429', reason: 'throttled', attempts: 0 } },
    counters: { retries: 1 },
    limit: { kind: 'throttle' },
    nextThrottles: 2,
  },
  {
    name: 'throttled past the free throttles: it counts',
    outcome: outcomes.error(throttled()),
    throttles: 2,
    result: 'retry',
    queue: { kind: 'retry', delayMs: 2000, countAttempt: true },
    tracker: { write: 'error', failure: { error: 'HTTP 429', reason: 'throttled', attempts: 1 } },
    counters: { retries: 1 },
    limit: { kind: 'throttle' },
    nextThrottles: 2,
  },
  {
    name: 'throttled past the free throttles on the last attempt: FAILED',
    outcome: outcomes.error(throttled()),
    attempts: 2,
    throttles: 2,
    result: 'failed',
    queue: { kind: 'give-up', deadLetter: true },
    tracker: { write: 'failed', failure: { error: 'HTTP 429', reason: 'throttled', attempts: 3 } },
    limit: { kind: 'throttle' },
    nextThrottles: 2,
  },
  {
    name: 'a vehicle the portal does not know: FAILED at once, not dead-lettered',
    outcome: outcomes.error(unknown()),
    result: 'failed',
    queue: { kind: 'give-up', deadLetter: false },
    tracker: { write: 'failed', failure: { error: 'the portal does not know ref R1 (404)', reason: 'not_found', attempts: 1 } },
  },
  {
    name: 'rejected credentials: the vehicle is given back untouched and the run stops',
    outcome: outcomes.error(badLogin()),
    attempts: 1,
    result: 'stopped',
    queue: { kind: 'release' },
    tracker: { write: 'none' },
    stops: true,
  },
  {
    name: 'a critical error while the breaker is open: still a stop, not a park',
    outcome: outcomes.error(new CriticalError('bad configuration', 'config')),
    breakerOpen: true,
    result: 'stopped',
    queue: { kind: 'release' },
    tracker: { write: 'none' },
    stops: true,
  },
];

describe('decideAttempt: every disposition', () => {
  it.each(table)('$name', (row) => {
    const effects = decide(row.outcome, {
      vehicle: { attempts: row.attempts ?? 0, throttles: row.throttles ?? 0, relogins: row.relogins ?? 0 },
      breakerOpen: row.breakerOpen ?? false,
    });
    expect(effects.result).toBe(row.result);
    expect(effects.queue).toEqual(row.queue);
    expect(effects.tracker).toEqual(row.tracker);
    expect(effects.counters).toEqual(row.counters ?? {});
    if (row.limit) expect(effects.limit).toEqual(row.limit);
    expect(effects.recyclePage).toBe(row.recyclePage ?? false);
    expect(effects.vehicle).toEqual({
      attempts: row.attempts ?? 0,
      throttles: row.nextThrottles ?? row.throttles ?? 0,
      relogins: row.nextRelogins ?? row.relogins ?? 0,
    });
    expect(effects.stopRun !== undefined).toBe(row.stops ?? false);
  });

  it('covers every queue action and every result', () => {
    const kinds = new Set(table.map((row) => row.queue.kind));
    expect([...kinds].sort()).toEqual(['done', 'give-up', 'park', 'release', 'retry']);
    const results = new Set(table.map((row) => row.result));
    expect([...results].sort()).toEqual(['already-done', 'done', 'failed', 'parked', 'retry', 'stopped']);
  });

  it('says how long the portal asked to wait, and what to do', () => {
    const effects = decide(outcomes.error(throttled(86_400_000)));
    expect(effects.stopRun).toMatchObject({
      reason: 'retry_after_too_long',
      message: 'the portal asked to wait 24 h (Retry-After) before the next request, more than the 5 min a run waits out (--max-retry-after); run again later',
    });
    expect(decide(outcomes.error(throttled(300_000))).result).toBe('retry');
  });

  it('never waits longer than the backoff cap, whatever the jitter', () => {
    for (let attempts = 0; attempts < 2; attempts += 1) {
      const effects = decideAttempt({ outcome: outcomes.error(http503()), vehicle: { attempts, throttles: 0, relogins: 0 }, breakerOpen: false, pauseMs: 0, policy: { ...policy, maxAttempts: 20 }, random: () => 0.999999 });
      expect(effects.queue).toMatchObject({ kind: 'retry' });
      expect((effects.queue as { delayMs: number }).delayMs).toBeLessThanOrEqual(Math.min(8000, 1000 * 2 ** attempts));
    }
  });
});

describe('breakerSignal', () => {
  it.each([
    ['a stored document', outcomes.done(), 'success'],
    ['an already DONE vehicle', outcomes.alreadyDone(), 'none'],
    ['a 5xx', outcomes.error(http503()), 'failure'],
    ['a timeout', outcomes.error(timeout()), 'failure'],
    ['a throttle', outcomes.error(throttled()), 'none'],
    ['a rejected document', outcomes.error(wrong()), 'none'],
    ['an unknown vehicle', outcomes.error(unknown()), 'none'],
    ['an ended session', outcomes.error(expired()), 'none'],
    ['rejected credentials', outcomes.error(badLogin()), 'critical'],
  ] as const)('%s: %s', (_what, outcome, signal) => {
    expect(breakerSignal(outcome)).toBe(signal);
  });
});
