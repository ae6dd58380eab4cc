export { SqliteStore } from './sqlite-store.js';
export { SqliteWorkQueue } from './sqlite-work-queue.js';
export { FsDocumentStore } from './fs-document-store.js';
export { RunLock } from './run-lock.js';
export { assertSafeRunId } from './safe-name.js';
export { localDate, nextRunNumber, isRunId } from './run-id.js';
export { SCHEMA_VERSION } from './schema.js';
export { DB_FILE_NAME, LOCK_FILE_NAME, RunStatus } from './constants.js';
export type { CreateRunInput, FinishedRunStatus, RunRecord, SqliteStoreOptions } from './types.js';
