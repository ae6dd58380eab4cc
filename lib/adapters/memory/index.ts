export { MemoryBreakerStore } from './memory-breaker-store.js';
export { MemoryDocumentStore } from './memory-document-store.js';
export { MemoryRunCounterStore } from './memory-run-counter-store.js';
export { MemorySessionStore } from './memory-session-store.js';
export { MemoryTracker } from './memory-tracker.js';
export { MemoryWorkQueue } from './memory-work-queue.js';
export type { MemoryBreakerStoreOptions, MemorySessionStoreOptions, MemoryTrackerOptions } from './types.js';
