export { MemoryTracker } from './memory-tracker.js';
export { MemoryWorkQueue } from './memory-work-queue.js';
export { MemoryDocumentStore } from './memory-document-store.js';
export { MemorySessionStore } from './memory-session-store.js';
export { MemoryBreakerStore } from './memory-breaker-store.js';
export type { MemoryBreakerStoreOptions, MemorySessionStoreOptions, MemoryTrackerOptions } from './types.js';
