import type { BreakerStore, BreakerTrip, BreakerWindow } from '../../core/ports.js';
import { defaultOf } from '../../settings/index.js';
import type { MemoryBreakerStoreOptions } from './types.js';

/**
 * A run's circuit breaker in memory, with the DynamoBreakerStore's semantics: outcomes are
 * counted in time buckets and the window is the current bucket plus the previous one (older
 * outcomes fall out); the first trip opens it and keeps its reason until `reset`, which also
 * forgets the window. For unit tests and workers that share one process.
 */
export class MemoryBreakerStore implements BreakerStore {
  readonly #bucketMs: number;
  readonly #now: () => number;
  /** runId -> bucket number -> that bucket's outcomes. */
  readonly #windows = new Map<string, Map<number, BreakerWindow>>();
  readonly #trips = new Map<string, BreakerTrip>();

  constructor(options: MemoryBreakerStoreOptions = {}) {
    this.#bucketMs = (options.bucketSecs ?? (defaultOf('breakerBucketSecs', 'local') as number)) * 1000;
    this.#now = options.now ?? Date.now;
  }

  async record(runId: string, failed: boolean): Promise<BreakerWindow> {
    const bucket = Math.floor(this.#now() / this.#bucketMs);
    let buckets = this.#windows.get(runId);
    if (!buckets) {
      buckets = new Map();
      this.#windows.set(runId, buckets);
    }
    // Buckets before the previous one can never count again.
    for (const old of buckets.keys()) if (old < bucket - 1) buckets.delete(old);
    const current = buckets.get(bucket) ?? { samples: 0, errors: 0 };
    current.samples += 1;
    if (failed) current.errors += 1;
    buckets.set(bucket, current);
    const previous = buckets.get(bucket - 1) ?? { samples: 0, errors: 0 };
    return { samples: current.samples + previous.samples, errors: current.errors + previous.errors };
  }

  async trip(runId: string, trip: BreakerTrip): Promise<boolean> {
    if (this.#trips.has(runId)) return false;
    this.#trips.set(runId, { reason: trip.reason, critical: trip.critical, openedAt: trip.openedAt });
    return true;
  }

  async state(runId: string): Promise<BreakerTrip | undefined> {
    const trip = this.#trips.get(runId);
    return trip && { ...trip };
  }

  async reset(runId: string): Promise<void> {
    // The window goes too: the errors that opened the breaker must not open it again at once.
    this.#trips.delete(runId);
    this.#windows.delete(runId);
  }
}
