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

/** Content type of a stored PDF. */
export const PDF_CONTENT_TYPE = 'application/pdf';

/** S3 user metadata key of a stored PDF's sha256 (hex); S3 returns it as `x-amz-meta-sha256`. */
export const SHA256_METADATA_KEY = 'sha256';

/** Credentials are read from Secrets Manager at most this often per container. */
export const DEFAULT_CREDENTIALS_CACHE_MS = 5 * 60_000;

/** The username a freshly deployed stack's secret holds until a person sets the real one. */
export const PLACEHOLDER_USERNAME = 'CHANGE_ME';

/** Partition key prefix of a run's counters item in the session table: `run-counters#<runId>`. */
export const RUN_COUNTERS_ITEM_PREFIX = 'run-counters#';

/** A run's counters item is deleted by DynamoDB TTL this long after its last change. */
export const RUN_COUNTERS_TTL_SECS = 30 * 24 * 3600;

/** Partition key prefix of a run's circuit breaker item in the session table: `breaker#<runId>`. */
export const BREAKER_ITEM_PREFIX = 'breaker#';

/** Partition key prefix of one window bucket of a run's outcomes: `breaker-window#<runId>#<bucket>`. */
export const BREAKER_WINDOW_ITEM_PREFIX = 'breaker-window#';

/** One bucket of the breaker's window; the window is the current bucket plus the one before (10-20 s). */
export const DEFAULT_BREAKER_BUCKET_SECS = 10;
