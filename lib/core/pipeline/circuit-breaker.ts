import { Disposition, type FleetPdfError } from '../errors.js';

export interface CircuitBreakerOptions {
  /** Outcomes the error rate is computed over. @default 20 */
  windowSize?: number;
  /** Outcomes needed in the window before the rate is judged. @default 10 */
  minSamples?: number;
  /** Error rate (0..1) at which the breaker opens. @default 0.6 */
  errorRateThreshold?: number;
  /** First pause when it opens, in ms; doubles with each open in a row. @default 15_000 */
  pauseMs?: number;
  /** @default 120_000 */
  maxPauseMs?: number;
  /** Opens in a row (no success in between) after which the run stops. @default 5 */
  maxOpens?: number;
  now?: () => number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** When the portal counts as failing: shared by the local breaker and the cloud's shared one. */
export const BREAKER_THRESHOLDS = {
  /** Outcomes in the window before the rate is judged. */
  minSamples: 10,
  /** Error rate (0..1) at which the breaker opens. */
  errorRateThreshold: 0.6,
} as const;

/** Does a window of outcomes say the portal as a whole is failing? */
export function windowTrips(samples: number, errors: number, thresholds: { minSamples: number; errorRateThreshold: number } = BREAKER_THRESHOLDS): boolean {
  return samples >= thresholds.minSamples && errors / samples >= thresholds.errorRateThreshold;
}

/**
 * Stops taking new work when the portal as a whole is failing (errors over a window cross a
 * threshold), instead of burning every vehicle's attempts into FAILED: it pauses, lets one
 * probe through, closes again on success, and after `maxOpens` failed probes in a row
 * tells the run to stop with the reason. Only failures that are the portal's fault count
 * (5xx, timeouts, unreachable): a throttle, a rejected document or an unknown vehicle do not.
 */
export class CircuitBreaker {
  readonly #o: Required<Omit<CircuitBreakerOptions, 'now'>>;
  readonly #now: () => number;
  readonly #window: boolean[] = [];
  #state: BreakerState = 'closed';
  #openedAt = 0;
  #opensInRow = 0;
  #probing = false;
  #lastError?: FleetPdfError;
  /** Times the breaker opened during the run. */
  opens = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#o = {
      windowSize: options.windowSize ?? 20,
      minSamples: options.minSamples ?? BREAKER_THRESHOLDS.minSamples,
      errorRateThreshold: options.errorRateThreshold ?? BREAKER_THRESHOLDS.errorRateThreshold,
      pauseMs: options.pauseMs ?? 15_000,
      maxPauseMs: options.maxPauseMs ?? 120_000,
      maxOpens: options.maxOpens ?? 5,
    };
    this.#now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.currentPauseMs()) this.#state = 'half-open';
    return this.#state;
  }

  /** The run should stop: the portal kept failing through `maxOpens` pauses. */
  get exhausted(): boolean {
    return this.#opensInRow >= this.#o.maxOpens;
  }

  /** Why it opened (the last counted failure). */
  get reason(): string {
    return this.#lastError ? `${this.#lastError.reason}: ${this.#lastError.message}` : 'errors';
  }

  currentPauseMs(): number {
    return Math.min(this.#o.maxPauseMs, this.#o.pauseMs * 2 ** Math.max(0, this.#opensInRow - 1));
  }

  /** May a worker start a vehicle now? In half-open, one probe at a time. */
  tryAcquire(): 'go' | 'probe' | 'wait' {
    const state = this.state;
    if (state === 'closed') return 'go';
    if (state === 'open' || this.#probing) return 'wait';
    this.#probing = true;
    return 'probe';
  }

  /** The probe slot, given back by a worker that then found nothing to do. */
  cancelProbe(): void {
    this.#probing = false;
  }

  /** Would this error count against the portal? */
  static counts(error: FleetPdfError): boolean {
    return error.disposition === Disposition.RETRY;
  }

  record(error?: FleetPdfError): void {
    const failed = error !== undefined && CircuitBreaker.counts(error);
    if (error && !failed) return; // neither a success nor the portal's fault
    const wasProbe = this.#probing;
    this.#probing = false;
    if (!failed) {
      if (this.#state !== 'closed') this.#window.length = 0;
      this.#state = 'closed';
      this.#opensInRow = 0;
      this.#push(true);
      return;
    }
    this.#lastError = error;
    if (wasProbe || this.#state !== 'closed') {
      if (wasProbe) this.#open();
      return;
    }
    this.#push(false);
    const errors = this.#window.filter((ok) => !ok).length;
    if (windowTrips(this.#window.length, errors, this.#o)) this.#open();
  }

  #push(ok: boolean): void {
    this.#window.push(ok);
    if (this.#window.length > this.#o.windowSize) this.#window.shift();
  }

  #open(): void {
    this.#state = 'open';
    this.#openedAt = this.#now();
    this.#opensInRow += 1;
    this.opens += 1;
    this.#window.length = 0;
  }
}
