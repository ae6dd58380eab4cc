/** Names and tuning of the AWS adapters. */

/** A stored session item lives this long (DynamoDB TTL, epoch seconds) after its login. */
export const SESSION_TTL_SECS = 12 * 3600;

/** An abandoned refresh lock item is deleted by DynamoDB TTL this long after it expired. */
export const LOCK_TTL_GRACE_SECS = 3600;

/** Conditional PutItems in flight at once when registering refs. */
export const DEFAULT_REGISTER_CONCURRENCY = 16;

/** BatchGetItem takes at most 100 keys. */
export const BATCH_GET_MAX_KEYS = 100;

/** How often an unprocessed BatchGet remainder (throttling) is retried before giving up. */
export const BATCH_GET_MAX_TRIES = 8;

/** A conditional update that raced with another on `attempts` is tried again this often. */
export const UPDATE_MAX_ROUNDS = 4;

/** Longest `lastError` kept on a tracking row (an item is at most 400 KB). */
export const MAX_ERROR_CHARS = 1_000;

/** A DynamoDB sort key is at most 1024 bytes; longer (refused) refs are cut to this before a SKIPPED row. */
export const MAX_KEY_BYTES = 1_000;

/** SendMessageBatch takes at most 10 entries. */
export const SQS_BATCH_SIZE = 10;

/** SendMessageBatch calls in flight at once. */
export const DEFAULT_SEND_PARALLEL_BATCHES = 8;

/** Tries per message (the first plus retries of failed entries) before sendVehicles throws. */
export const DEFAULT_SEND_MAX_TRIES = 5;

/** First retry delay of failed SendMessageBatch entries; doubles per try, with jitter. */
export const DEFAULT_SEND_BASE_DELAY_MS = 100;

/** Credentials are read from Secrets Manager at most this often per container. */
export const DEFAULT_CREDENTIALS_CACHE_MS = 5 * 60_000;

/** The username a freshly deployed stack's secret holds until a person sets the real one. */
export const PLACEHOLDER_USERNAME = 'CHANGE_ME';

/** A run's counters and breaker items are deleted by DynamoDB TTL this long after their last change. */
export const RUN_COUNTERS_TTL_SECS = 30 * 24 * 3600;

/** Longest wait between two tries of an AWS call the adapters retry themselves. */
export const AWS_RETRY_MAX_DELAY_MS = 5_000;

/** Tries of an event source mapping update that is refused while the mapping is still changing state. */
export const DEFAULT_SWITCH_MAX_TRIES = 6;

/** First wait between those tries; doubles, with jitter. */
export const DEFAULT_SWITCH_BASE_DELAY_MS = 500;

/** First wait before a BatchWriteItem / conditional update is tried again. */
export const DEFAULT_UPDATE_BASE_DELAY_MS = 50;
