import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A DynamoDB client: a plain one is wrapped in a DocumentClient (undefined values removed). */
export type DynamoClient = DynamoDBClient | DynamoDBDocumentClient;

export interface DynamoSessionStoreOptions {
  client: DynamoClient;
  /** The session table (partition key `pk`), e.g. env SESSION_TABLE. */
  tableName: string;
  /** Clock in epoch ms (tests move it). @default Date.now */
  now?: () => number;
  /** A stored session's DynamoDB TTL, seconds after it was stored. @default 43_200 (12 h) */
  sessionTtlSecs?: number;
}

export interface DynamoTrackerOptions {
  client: DynamoClient;
  /** The tracking table (partition `runId`, sort `ref`, GSI `byStatus`), e.g. env TRACKING_TABLE. */
  tableName: string;
  /** The GSI with partition `runId` and sort `status`. @default 'byStatus' */
  statusIndexName?: string;
  /** Clock in epoch ms (tests move it). @default Date.now */
  now?: () => number;
  /** Requests in flight at once in `register` / `registerSkipped`. @default 16 */
  registerConcurrency?: number;
}

export interface S3DocumentStoreOptions {
  client: S3Client;
  /** The PDF bucket, e.g. env BUCKET. */
  bucket: string;
  /**
   * Send `ChecksumSHA256` with each PDF so S3 itself refuses a body that does not match the
   * verified hash (s3rver accepts and ignores it). @default true
   */
  checksum?: boolean;
}

/** One stored PDF of a run, as listed. */
export interface StoredPdf {
  /** The file name (`.pdf` included). */
  file: string;
  key: string;
  size: number;
  lastModified?: Date;
}

export interface SqsVehicleQueueOptions {
  client: SQSClient;
  /** The vehicle queue, e.g. env QUEUE_URL. */
  queueUrl: string;
  /** Its dead-letter queue, e.g. env DLQ_URL (for `dlqDepth`). */
  dlqUrl?: string;
  /** SendMessageBatch calls in flight at once. @default 8 */
  parallelBatches?: number;
  /** Tries per message before `sendVehicles` gives up. @default 5 */
  maxTries?: number;
  /** First retry delay of failed entries, doubled per try (with jitter). @default 100 */
  baseDelayMs?: number;
}

/**
 * Approximate message counts of one queue (GetQueueAttributes). Note: local-aws-sqs counts
 * in-flight messages in `visible` too; AWS does not.
 */
export interface SqsQueueDepth {
  /** ApproximateNumberOfMessages: waiting to be received. */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received, not yet deleted or back. */
  inFlight: number;
  /** ApproximateNumberOfMessagesDelayed. */
  delayed: number;
}

export interface SecretsCredentialsOptions {
  client: SecretsManagerClient;
  /** Secret name or ARN holding `{"username": ..., "password": ...}`, e.g. env CREDENTIALS_SECRET. */
  secretId: string;
  /** How long a loaded value is reused. @default 300_000 (5 min) */
  cacheMs?: number;
  /** Clock in epoch ms (tests move it). @default Date.now */
  now?: () => number;
}

export interface DynamoRunCountersOptions {
  client: DynamoClient;
  /** The session table (partition key `pk`), e.g. env SESSION_TABLE. */
  tableName: string;
  /** Clock in epoch ms (tests move it). @default Date.now */
  now?: () => number;
  /** The counters item's DynamoDB TTL, seconds after its last change. @default 2_592_000 (30 days) */
  ttlSecs?: number;
}

export interface DynamoBreakerStoreOptions {
  client: DynamoClient;
  /** The session table (partition key `pk`), e.g. env SESSION_TABLE. */
  tableName: string;
  /** One bucket of the outcome window, in seconds; the window spans two. @default 10 */
  bucketSecs?: number;
  /** Clock in epoch ms (tests move it). @default Date.now */
  now?: () => number;
  /** Items are deleted by DynamoDB TTL this long after their last change. @default 2_592_000 (30 days) */
  ttlSecs?: number;
}

export interface LambdaEventSourceSwitchOptions {
  client: import('@aws-sdk/client-lambda').LambdaClient;
  /** The event source mapping's UUID, e.g. env DOWNLOADER_MAPPING_ID. */
  mappingId: string;
  /** Tries when the mapping is busy changing state (ResourceInUseException). @default 6 */
  maxTries?: number;
  /** First retry delay, doubled per try (with jitter). @default 500 */
  baseDelayMs?: number;
}
