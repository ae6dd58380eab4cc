import type { BreakerStore, BreakerTrip, BreakerWindow } from '../../core/ports.js';

export interface MemoryBreakerStoreOptions {
  /** Outcomes the window holds: the most recent ones. @default 20 */
  windowSize?: number;
}

/** A run's circuit breaker in this process: the last `windowSize` outcomes and the open flag. */
export class MemoryBreakerStore implements BreakerStore {
  readonly #windowSize: number;
  readonly #windows = new Map<string, boolean[]>();
  readonly #trips = new Map<string, BreakerTrip>();

  constructor(options: MemoryBreakerStoreOptions = {}) {
    this.#windowSize = Math.max(1, options.windowSize ?? 20);
  }

  async record(runId: string, failed: boolean): Promise<BreakerWindow> {
    const window = this.#windows.get(runId) ?? [];
    window.push(failed);
    if (window.length > this.#windowSize) window.shift();
    this.#windows.set(runId, window);
    return { samples: window.length, errors: window.filter(Boolean).length };
  }

  async trip(runId: string, trip: BreakerTrip): Promise<boolean> {
    if (this.#trips.has(runId)) return false;
    this.#trips.set(runId, { ...trip });
    return true;
  }

  async state(runId: string): Promise<BreakerTrip | undefined> {
    const trip = this.#trips.get(runId);
    return trip ? { ...trip } : undefined;
  }

  async reset(runId: string): Promise<void> {
    this.#trips.delete(runId);
    this.#windows.delete(runId);
  }
}
