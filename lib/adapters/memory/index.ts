export { MemoryBreakerStore } from './memory-breaker-store.js';
export type { MemoryBreakerStoreOptions } from './memory-breaker-store.js';
export { MemoryRunCounterStore } from './memory-run-counter-store.js';
