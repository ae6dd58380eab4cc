import type { BreakerSignal } from '../attempt/index.js';
import type { FleetPdfError } from '../errors.js';
import type { BreakerObservation, CircuitBreaker } from './circuit-breaker.js';

export interface PauseGateOptions {
  breaker: CircuitBreaker;
  /** First pause after the breaker opens, ms; doubles with each pause in a row. */
  pauseMs: number;
  /** Longest pause, ms. */
  maxPauseMs: number;
  /** Pauses in a row (no success in between) after which the run stops. */
  maxPauses: number;
  now?: () => number;
}

/** Whether a lane may start a vehicle now. */
export type Admission = 'go' | 'probe' | 'wait';

/**
 * The local run's half of the circuit breaker (the cloud's is its state machine): while the
 * breaker is open, lanes wait out the pause; then one vehicle goes through as the probe. It
 * succeeds: the breaker closes. It fails: the breaker opens again for twice as long. After
 * `maxPauses` pauses in a row, or a critical trip, the run must stop.
 */
export class PauseGate {
  readonly #breaker: CircuitBreaker;
  readonly #o: Required<Omit<PauseGateOptions, 'breaker' | 'now'>>;
  readonly #now: () => number;
  #pausesInRow = 0;
  #probing = false;
  #reason = '';
  #critical = false;
  /** Times the breaker opened during the run. */
  opens = 0;

  constructor(options: PauseGateOptions) {
    this.#breaker = options.breaker;
    this.#o = { pauseMs: options.pauseMs, maxPauseMs: options.maxPauseMs, maxPauses: options.maxPauses };
    this.#now = options.now ?? Date.now;
  }

  /** The pause the breaker holds the run for now, ms (also how long a parked vehicle waits). */
  get pauseMs(): number {
    return Math.min(this.#o.maxPauseMs, this.#o.pauseMs * 2 ** Math.max(0, this.#pausesInRow - 1));
  }

  /** The run should stop: the portal kept failing through `maxPauses` pauses, or a critical trip. */
  get exhausted(): boolean {
    return this.#critical || (this.#pausesInRow > 0 && this.#pausesInRow >= this.#o.maxPauses);
  }

  /** Why the breaker last opened. */
  get reason(): string {
    return this.#reason || 'errors';
  }

  /** May a lane start a vehicle now? While open: wait, then one probe at a time. */
  async admit(): Promise<Admission> {
    const trip = await this.#breaker.openTrip();
    if (!trip) return 'go';
    if (this.#probing || this.#now() - trip.openedAt < this.pauseMs) return 'wait';
    this.#probing = true;
    return 'probe';
  }

  /** The probe slot, given back by a lane that then found nothing to do. */
  cancelProbe(): void {
    this.#probing = false;
  }

  /**
   * After a lane's outcome was counted on the breaker: an opening starts a pause; a success
   * closes it (the portal answers again) and ends the run of pauses; a failed probe opens it
   * again for longer. Returns a line to log when the breaker changed course.
   */
  async settle(admission: Admission, signal: BreakerSignal, observed: BreakerObservation, error?: FleetPdfError): Promise<string | undefined> {
    if (admission === 'probe') this.#probing = false;
    if (observed.opened) return this.#opened(observed.opened.reason, observed.opened.critical);
    if (signal === 'success') {
      this.#pausesInRow = 0;
      if (!observed.open) return undefined;
      await this.#breaker.close();
      return 'circuit breaker closed: the portal answers again';
    }
    if (admission === 'probe' && signal === 'failure' && error) {
      const trip = await this.#breaker.reopen(error);
      if (trip) return this.#opened(trip.reason, false);
    }
    // Anything else (a throttle, a rejected document) says nothing: the next lane probes.
    return undefined;
  }

  #opened(reason: string, critical: boolean): string {
    this.opens += 1;
    this.#pausesInRow += 1;
    this.#reason = reason;
    this.#critical ||= critical;
    return `circuit breaker open (${reason}): pausing ${Math.round(this.pauseMs / 1000)} s`;
  }
}
