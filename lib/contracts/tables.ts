/** The session table: the portal session, the refresh lock, and each run's counters and breaker items. */
export const SessionTableKeys = {
  PARTITION_KEY: 'pk',
  /** The current session item. */
  SESSION_ITEM: 'session',
  /** The refresh lock item. */
  LOCK_ITEM: 'refresh-lock',
  /** Epoch seconds; DynamoDB TTL deletes expired sessions, abandoned locks and old run items. */
  TTL_ATTRIBUTE: 'ttl',
  /** A run's counters item: `run-counters#<runId>`. */
  RUN_COUNTERS_PREFIX: 'run-counters#',
  /** A run's circuit breaker item: `breaker#<runId>`. */
  BREAKER_PREFIX: 'breaker#',
  /** One bucket of a run's breaker window: `breaker-window#<runId>#<bucket>`. */
  BREAKER_WINDOW_PREFIX: 'breaker-window#',
} as const;

/** The tracking table: one row per (runId, ref). */
export const TrackingTableKeys = {
  PARTITION_KEY: 'runId',
  SORT_KEY: 'ref',
  /** GSI to count a run's rows by status: partition runId, sort status. */
  STATUS_INDEX: 'byStatus',
  STATUS_ATTRIBUTE: 'status',
} as const;
