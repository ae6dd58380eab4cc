import type { FleetPdfError } from '../errors.js';
import { Disposition } from '../errors.js';
import type { BreakerStore, BreakerTrip } from '../ports.js';
import { BREAKER_THRESHOLDS, CircuitBreaker, windowTrips } from './circuit-breaker.js';

export interface SharedCircuitBreakerOptions {
  store: BreakerStore;
  /** Outcomes in the window before the rate is judged. @default 10 */
  minSamples?: number;
  /** Error rate (0..1) at which the breaker opens. @default 0.6 */
  errorRateThreshold?: number;
  /** How long a worker trusts the last state it read, in ms (one read per message would double the store's load). @default 2000 */
  stateCacheMs?: number;
  now?: () => number;
}

/**
 * The circuit breaker for workers that do not share memory (one Lambda container each): the
 * window of outcomes and the open flag live in a `BreakerStore`, so when the portal as a
 * whole fails, the first worker to see the window cross the threshold opens it for all, and
 * every worker then parks its work instead of burning attempts. Closing it is the run's
 * business (the state machine's Resume step), not a worker's.
 */
export class SharedCircuitBreaker {
  readonly #store: BreakerStore;
  readonly #thresholds: { minSamples: number; errorRateThreshold: number };
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { at: number; trip: BreakerTrip | undefined }>();

  constructor(options: SharedCircuitBreakerOptions) {
    this.#store = options.store;
    this.#thresholds = {
      minSamples: options.minSamples ?? BREAKER_THRESHOLDS.minSamples,
      errorRateThreshold: options.errorRateThreshold ?? BREAKER_THRESHOLDS.errorRateThreshold,
    };
    this.#cacheMs = options.stateCacheMs ?? 2000;
    this.#now = options.now ?? Date.now;
  }

  /** The trip while the run's breaker is open (read at most every `stateCacheMs`). */
  async openTrip(runId: string): Promise<BreakerTrip | undefined> {
    const cached = this.#cache.get(runId);
    if (cached && this.#now() - cached.at < this.#cacheMs) return cached.trip;
    const trip = await this.#store.state(runId);
    this.#cache.set(runId, { at: this.#now(), trip });
    return trip;
  }

  /**
   * Count one vehicle's outcome (undefined = success). Only the portal's faults count (as in
   * the local breaker); a critical error (the credentials stopped working) opens it at once.
   * Returns the trip when this call opened the breaker.
   */
  async record(runId: string, error?: FleetPdfError): Promise<BreakerTrip | undefined> {
    if (error?.disposition === Disposition.STOP) return this.#trip(runId, error, true);
    const failed = error !== undefined && CircuitBreaker.counts(error);
    if (error && !failed) return undefined;
    const window = await this.#store.record(runId, failed);
    if (!failed || !windowTrips(window.samples, window.errors, this.#thresholds)) return undefined;
    return this.#trip(runId, error!, false, `${window.errors} of the last ${window.samples} vehicles failed`);
  }

  async #trip(runId: string, error: FleetPdfError, critical: boolean, why?: string): Promise<BreakerTrip | undefined> {
    const trip: BreakerTrip = {
      reason: `${error.reason}: ${error.message}${why ? ` (${why})` : ''}`.slice(0, 500),
      critical,
      openedAt: this.#now(),
    };
    const opened = await this.#store.trip(runId, trip);
    this.#cache.set(runId, { at: this.#now(), trip });
    return opened ? trip : undefined;
  }
}
