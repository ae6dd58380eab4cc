import { defaultOf } from '../../settings/index.js';

export interface AdaptiveLimitOptions {
  /** The ceiling: `--workers`. */
  max: number;
  /** @default 1 */
  min?: number;
  /** Successes in a row (without a throttle) before the limit grows by one. @default the limitGrowAfter setting */
  growAfter?: number;
  /** Smoothed latency above this many times its best value counts as "rising". @default the limitLatencyFactor setting */
  latencyFactor?: number;
  /** After a decrease, no other decrease for this long (one burst of 429s is one signal). @default the limitCooldownMs setting */
  cooldownMs?: number;
  now?: () => number;
}

/**
 * AutoThrottle-like concurrency for the portal: halve on a 429 or an ended session, step down
 * by one when latency climbs far above the best seen, and grow back by one after a run of
 * healthy successes; never above `max` (the workers) nor below `min`.
 */
export class AdaptiveLimit {
  readonly #o: Required<Omit<AdaptiveLimitOptions, 'now'>>;
  readonly #now: () => number;
  #limit: number;
  #active = 0;
  #streak = 0;
  #lastDecrease = -Infinity;
  /** Smoothed (EWMA) latency and the best it has been: one slow page is not a trend. */
  #ewmaMs?: number;
  #bestEwmaMs = Infinity;
  #samples = 0;
  /** The newest session version whose end the limit heard. */
  #endedVersion = 0;
  /** Lowest limit reached during the run. */
  lowest: number;

  constructor(options: AdaptiveLimitOptions) {
    this.#o = {
      max: options.max,
      min: Math.min(options.min ?? 1, options.max),
      growAfter: options.growAfter ?? (defaultOf('limitGrowAfter', 'local') as number),
      latencyFactor: options.latencyFactor ?? (defaultOf('limitLatencyFactor', 'local') as number),
      cooldownMs: options.cooldownMs ?? (defaultOf('limitCooldownMs', 'local') as number),
    };
    this.#now = options.now ?? Date.now;
    this.#limit = options.max;
    this.lowest = options.max;
  }

  get limit(): number {
    return this.#limit;
  }

  get active(): number {
    return this.#active;
  }

  /** Take a slot if the limit allows; pair with release(). */
  tryAcquire(): boolean {
    if (this.#active >= this.#limit) return false;
    this.#active += 1;
    return true;
  }

  release(): void {
    this.#active = Math.max(0, this.#active - 1);
  }

  onThrottle(): void {
    this.#streak = 0;
    this.#decrease(Math.floor(this.#limit / 2));
  }

  /**
   * The portal ended the session of `staleVersion` (it lasts N requests, or a kick): halve, once
   * per session however many workers saw it end, and without the throttle's cooldown (the
   * single-flight refresh already makes it one signal). Fewer requests in flight let the next
   * session serve whole vehicles before it ends; successes grow the limit back.
   */
  onSessionEnded(staleVersion: number): void {
    if (staleVersion <= this.#endedVersion) return;
    this.#endedVersion = staleVersion;
    this.#streak = 0;
    this.#lastDecrease = this.#now();
    this.#limit = Math.max(this.#o.min, Math.floor(this.#limit / 2));
    this.lowest = Math.min(this.lowest, this.#limit);
  }

  onSuccess(latencyMs: number): void {
    this.#ewmaMs = this.#ewmaMs === undefined ? latencyMs : 0.8 * this.#ewmaMs + 0.2 * latencyMs;
    this.#samples += 1;
    if (this.#samples >= 5) this.#bestEwmaMs = Math.min(this.#bestEwmaMs, this.#ewmaMs);
    if (this.#ewmaMs > this.#bestEwmaMs * this.#o.latencyFactor && this.#limit > this.#o.min) {
      this.#streak = 0;
      this.#decrease(this.#limit - 1);
      return;
    }
    this.#streak += 1;
    if (this.#streak >= this.#o.growAfter && this.#limit < this.#o.max) {
      this.#limit += 1;
      this.#streak = 0;
    }
  }

  #decrease(to: number): void {
    const now = this.#now();
    if (now - this.#lastDecrease < this.#o.cooldownMs) return;
    this.#lastDecrease = now;
    this.#limit = Math.max(this.#o.min, to);
    this.lowest = Math.min(this.lowest, this.#limit);
  }
}
