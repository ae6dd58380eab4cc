/**
 * Environment variables the stack gives the Lambdas that name resources (tables, queues,
 * the bucket, the secret, the event source mapping). The tunables (PORTAL_URL, MAX_ATTEMPTS,
 * ...) are not listed here: their names derive from the settings schema (lib/settings).
 */
export const ResourceEnv = {
  SESSION_TABLE: 'SESSION_TABLE',
  TRACKING_TABLE: 'TRACKING_TABLE',
  QUEUE_URL: 'QUEUE_URL',
  DLQ_URL: 'DLQ_URL',
  BUCKET: 'BUCKET',
  /** Secrets Manager secret (ARN or name) holding `{"username": ..., "password": ...}`. */
  CREDENTIALS_SECRET: 'CREDENTIALS_SECRET',
  /** The downloader's SQS event source mapping (UUID): paused and resumed by the circuit breaker. */
  DOWNLOADER_MAPPING_ID: 'DOWNLOADER_MAPPING_ID',
} as const;
export type ResourceEnvName = (typeof ResourceEnv)[keyof typeof ResourceEnv];
