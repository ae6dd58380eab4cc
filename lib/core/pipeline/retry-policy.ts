import { Disposition, type FleetPdfError } from '../errors.js';

export interface RetryPolicyOptions {
  /** Attempts per vehicle before it is FAILED. @default 3 */
  maxAttempts?: number;
  /** First backoff; doubles per attempt, with full jitter. @default 1000 */
  baseDelayMs?: number;
  /** @default 30_000 */
  maxDelayMs?: number;
  /** Throttled retries that are not counted as attempts, per vehicle, before they start to count. @default 10 */
  freeThrottles?: number;
}

export type RetryDecision =
  | { action: 'retry'; delayMs: number; countAttempt: boolean }
  | { action: 'fail' }
  | { action: 'stop' };

/** What to do with a vehicle whose attempt failed; the same rules for the local pool and the Lambda. */
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #freeThrottles: number;

  constructor(options: RetryPolicyOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.#baseDelayMs = options.baseDelayMs ?? 1000;
    this.#maxDelayMs = options.maxDelayMs ?? 30_000;
    this.#freeThrottles = options.freeThrottles ?? 10;
  }

  /**
   * @param attempts attempts already counted before the one that just failed
   * @param throttles throttled retries this vehicle already had
   */
  decide(error: FleetPdfError, attempts: number, throttles = 0, random: () => number = Math.random): RetryDecision {
    switch (error.disposition) {
      case Disposition.STOP:
        return { action: 'stop' };
      case Disposition.FAIL:
        return { action: 'fail' };
      case Disposition.THROTTLE: {
        const free = throttles < this.#freeThrottles;
        if (!free && attempts + 1 >= this.maxAttempts) return { action: 'fail' };
        const hinted = 'retryAfterMs' in error && typeof error.retryAfterMs === 'number' ? error.retryAfterMs : 0;
        return { action: 'retry', delayMs: Math.max(hinted, this.backoffMs(throttles, random)), countAttempt: !free };
      }
      case Disposition.RELOGIN:
        // The refresh already happened inside the attempt; a session that keeps dying is a transient fault.
        return attempts + 1 >= this.maxAttempts
          ? { action: 'fail' }
          : { action: 'retry', delayMs: this.backoffMs(attempts, random), countAttempt: true };
      case Disposition.RETRY:
      case Disposition.REJECT:
        return attempts + 1 >= this.maxAttempts
          ? { action: 'fail' }
          : { action: 'retry', delayMs: this.backoffMs(attempts, random), countAttempt: true };
    }
  }

  /** Exponential backoff with full jitter (AWS architecture blog's recommendation). */
  backoffMs(attempt: number, random: () => number = Math.random): number {
    const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }
}
