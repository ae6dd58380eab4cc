export { DynamoSessionStore } from './dynamo-session-store.js';
export { DynamoTracker } from './dynamo-tracker.js';
export { DynamoBreakerStore } from './dynamo-breaker-store.js';
export { LambdaEventSourceSwitch } from './lambda-event-source-switch.js';
export { DynamoRunCounters, RUN_COUNTER_NAMES } from './dynamo-run-counters.js';
export { S3DocumentStore } from './s3-document-store.js';
export { SqsVehicleQueue, parseVehicleMessage } from './sqs-vehicle-queue.js';
export { SecretsCredentials } from './secrets-credentials.js';
export { fromEnv, awsClients, resetAwsClients } from './from-env.js';
export type { AwsAdapters, AwsClients } from './from-env.js';
export {
  PDF_CONTENT_TYPE,
  PLACEHOLDER_USERNAME,
  RUN_COUNTERS_ITEM_PREFIX,
  SESSION_TTL_SECS,
  SHA256_METADATA_KEY,
  SQS_BATCH_SIZE,
} from './constants.js';
export type {
  DynamoBreakerStoreOptions,
  DynamoClient,
  LambdaEventSourceSwitchOptions,
  DynamoRunCountersOptions,
  DynamoSessionStoreOptions,
  DynamoTrackerOptions,
  S3DocumentStoreOptions,
  SecretsCredentialsOptions,
  SqsQueueDepth,
  SqsVehicleQueueOptions,
  RunCounterName,
  RunCounterValues,
  StoredPdf,
} from './types.js';
