import type { BreakerSignal } from '../attempt/index.js';
import type { FleetPdfError } from '../errors.js';
import type { BreakerStore, BreakerTrip } from '../ports.js';

export interface CircuitBreakerOptions {
  /** Where the window and the open flag live (memory, or DynamoDB shared by every container). */
  store: BreakerStore;
  runId: string;
  /** Outcomes in the window before the ratio is judged. */
  minSamples: number;
  /** Share of the window's outcomes that failed (0..1) at which the breaker opens. */
  errorRatio: number;
  /**
   * How long the open flag read from the store is trusted, ms. A shared store would get one
   * read per message otherwise; a memory store is read every time. @default 0
   */
  stateCacheMs?: number;
  now?: () => number;
}

/** The breaker after an outcome was counted. */
export interface BreakerObservation {
  open: boolean;
  /** Set when this outcome opened it. */
  opened?: BreakerTrip;
}

/**
 * One circuit breaker for a run, for the local run and the cloud alike: the portal as a whole
 * is failing when the share of failures in the store's window of outcomes reaches
 * `errorRatio` (over at least `minSamples`), or at once on a critical failure (the
 * credentials stopped working). The first worker to see it opens it for every worker; what
 * waiting and probing means is the runtime's (the local lease loop's PauseGate, the cloud's
 * state machine), and so is closing it.
 */
export class CircuitBreaker {
  readonly runId: string;
  readonly #store: BreakerStore;
  readonly #minSamples: number;
  readonly #errorRatio: number;
  readonly #cacheMs: number;
  readonly #now: () => number;
  #cached?: { at: number; trip: BreakerTrip | undefined };

  constructor(options: CircuitBreakerOptions) {
    this.runId = options.runId;
    this.#store = options.store;
    this.#minSamples = options.minSamples;
    this.#errorRatio = options.errorRatio;
    this.#cacheMs = options.stateCacheMs ?? 0;
    this.#now = options.now ?? Date.now;
  }

  /** Does a window say the portal as a whole is failing? */
  trips(samples: number, errors: number): boolean {
    return samples >= this.#minSamples && errors / samples >= this.#errorRatio;
  }

  /** The trip while the breaker is open, read from the store unless the last read is younger than `maxAgeMs`. */
  async openTrip(maxAgeMs = this.#cacheMs): Promise<BreakerTrip | undefined> {
    const cached = this.#cached;
    if (cached && this.#now() - cached.at < maxAgeMs) return cached.trip;
    const trip = await this.#store.state(this.runId);
    this.#cached = { at: this.#now(), trip };
    return trip;
  }

  /** Count one outcome (see breakerSignal); `error` is the failure, for the trip's reason. */
  async observe(signal: BreakerSignal, error?: FleetPdfError): Promise<BreakerObservation> {
    if (signal === 'critical' && error) {
      const opened = await this.#trip(error, true);
      return { open: true, ...(opened ? { opened } : {}) };
    }
    if (signal === 'none' || signal === 'critical') return { open: (await this.openTrip()) !== undefined };
    const failed = signal === 'failure';
    const window = await this.#store.record(this.runId, failed);
    const open = (await this.openTrip()) !== undefined;
    if (!open && failed && error && this.trips(window.samples, window.errors)) {
      const opened = await this.#trip(error, false, `${window.errors} of the last ${window.samples} vehicles failed`);
      return { open: true, ...(opened ? { opened } : {}) };
    }
    return { open };
  }

  /** Open it again with a fresh trip: a probe failed (the pause starts over), or it turned out critical. */
  async reopen(error: FleetPdfError, critical = false): Promise<BreakerTrip | undefined> {
    await this.#store.reset(this.runId);
    return this.#trip(error, critical, critical ? undefined : 'the probe failed');
  }

  /** Close it and forget the window: the portal answers again. */
  async close(): Promise<void> {
    await this.#store.reset(this.runId);
    this.#cached = { at: this.#now(), trip: undefined };
  }

  async #trip(error: FleetPdfError, critical: boolean, why?: string): Promise<BreakerTrip | undefined> {
    const trip: BreakerTrip = {
      reason: `${error.reason}: ${error.message}${why ? ` (${why})` : ''}`.slice(0, 500),
      critical,
      openedAt: this.#now(),
    };
    const opened = await this.#store.trip(this.runId, trip);
    // Whoever opened it, it is open now; the store has the first reason.
    this.#cached = opened ? { at: this.#now(), trip } : undefined;
    return opened ? trip : undefined;
  }
}
