/** File names and tuning of the local adapters. */

/** The tracking database, beside the run folders in the out dir. */
export const DB_FILE_NAME = 'fleetpdf.db';

/** Held by the one fleetpdf process that works in an out dir. */
export const LOCK_FILE_NAME = '.fleetpdf.lock';

/** How long a connection waits for another connection's write lock before SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;


/** A lock file with no readable pid younger than this is a run that is just starting, not a stale lock. */
export const LOCK_STARTUP_GRACE_MS = 2_000;

/** State of one run in the runs table. */
export const RunStatus = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  STOPPED: 'stopped',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];
