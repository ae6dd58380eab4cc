/** Options of the in-memory adapters. Every clock is in epoch ms, so a test can move it. */

export interface MemoryTrackerOptions {
  /** @default Date.now */
  now?: () => number;
}

export interface MemorySessionStoreOptions {
  /** @default Date.now */
  now?: () => number;
}

export interface MemoryBreakerStoreOptions {
  /** One bucket of the outcome window, in seconds; the window spans the current bucket and the one before. @default 10 */
  bucketSecs?: number;
  /** @default Date.now */
  now?: () => number;
}
