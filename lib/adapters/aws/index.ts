export { awsAdapters } from './from-env.js';
export type { AwsAdapterOptions, AwsAdapters, AwsClients } from './from-env.js';
export { awsErrorName } from './aws-errors.js';
export { PLACEHOLDER_USERNAME, SESSION_TTL_SECS, SQS_BATCH_SIZE } from './constants.js';
export { DynamoBreakerStore } from './dynamo-breaker-store.js';
export { DynamoRunCounters } from './dynamo-run-counters.js';
export { DynamoSessionStore } from './dynamo-session-store.js';
export { DynamoTracker } from './dynamo-tracker.js';
export { LambdaEventSourceSwitch } from './lambda-event-source-switch.js';
export { S3DocumentStore } from './s3-document-store.js';
export { SecretsCredentials } from './secrets-credentials.js';
export { parseVehicleMessage, SqsVehicleQueue } from './sqs-vehicle-queue.js';
export type {
  DynamoBreakerStoreOptions,
  DynamoClient,
  DynamoRunCountersOptions,
  DynamoSessionStoreOptions,
  DynamoTrackerOptions,
  LambdaEventSourceSwitchOptions,
  S3DocumentStoreOptions,
  SecretsCredentialsOptions,
  SqsQueueDepth,
  SqsVehicleQueueOptions,
  StoredPdf,
} from './types.js';
