import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ResourceEnv, type ResourceEnvName } from '../../contracts/index.js';
import { CriticalError } from '../../core/errors.js';
import { defaultOf } from '../../settings/index.js';
import { documentClient } from './aws-errors.js';
import { DynamoBreakerStore } from './dynamo-breaker-store.js';
import { DynamoRunCounters } from './dynamo-run-counters.js';
import { DynamoSessionStore } from './dynamo-session-store.js';
import { DynamoTracker } from './dynamo-tracker.js';
import { LambdaEventSourceSwitch } from './lambda-event-source-switch.js';
import { S3DocumentStore } from './s3-document-store.js';
import { SecretsCredentials } from './secrets-credentials.js';
import { SqsVehicleQueue } from './sqs-vehicle-queue.js';

/**
 * The AWS adapters for the resources a function's environment names (lib/contracts
 * `ResourceEnv`); region, credentials and endpoints come from the SDK's own environment
 * (`AWS_REGION`, `AWS_ENDPOINT_URL_<SERVICE>`, ...). Each client and adapter is made on first
 * use and kept by this object, so a function only needs the variables of the adapters it
 * touches, and a warm container that keeps the object reuses its connections.
 */
export interface AwsClients {
  dynamodb: DynamoDBDocumentClient;
  s3: S3Client;
  sqs: SQSClient;
  secrets: SecretsManagerClient;
  lambda: LambdaClient;
}

export interface AwsAdapters {
  readonly clients: AwsClients;
  /** Needs SESSION_TABLE. */
  readonly sessionStore: DynamoSessionStore;
  /** Needs SESSION_TABLE (the counters item lives beside the session). */
  readonly counters: DynamoRunCounters;
  /** Needs SESSION_TABLE (the breaker items live beside the session). */
  readonly breaker: DynamoBreakerStore;
  /** Needs DOWNLOADER_MAPPING_ID. */
  readonly eventSource: LambdaEventSourceSwitch;
  /** Needs TRACKING_TABLE. */
  readonly tracker: DynamoTracker;
  /** Needs BUCKET. */
  readonly documents: S3DocumentStore;
  /** Needs QUEUE_URL; DLQ_URL if set. */
  readonly queue: SqsVehicleQueue;
  /** Needs CREDENTIALS_SECRET. */
  readonly credentials: SecretsCredentials;
  /** Close every client made so far. */
  destroy(): void;
}

export interface AwsAdapterOptions {
  /** Seconds per bucket of the breaker's shared window. @default the breakerBucketSecs setting's default */
  breakerBucketSecs?: number;
}

/** The adapters for the resources named in `env`. */
export function awsAdapters(env: Readonly<Record<string, string | undefined>>, options: AwsAdapterOptions = {}): AwsAdapters {
  const made = new Map<string, unknown>();
  const once = <T>(key: string, create: () => T): T => {
    if (!made.has(key)) made.set(key, create());
    return made.get(key) as T;
  };
  const clients = (): AwsClients => once('clients', createClients);
  const required = (name: ResourceEnvName): string => {
    const value = env[name]?.trim();
    if (!value) throw new CriticalError(`environment variable ${name} is not set (the stack sets it for each function)`, 'config');
    return value;
  };
  return {
    get clients() {
      return clients();
    },
    get sessionStore() {
      return once('session', () => new DynamoSessionStore({ client: clients().dynamodb, tableName: required(ResourceEnv.SESSION_TABLE) }));
    },
    get counters() {
      return once('counters', () => new DynamoRunCounters({ client: clients().dynamodb, tableName: required(ResourceEnv.SESSION_TABLE) }));
    },
    get breaker() {
      return once(
        'breaker',
        () =>
          new DynamoBreakerStore({
            client: clients().dynamodb,
            tableName: required(ResourceEnv.SESSION_TABLE),
            bucketSecs: options.breakerBucketSecs ?? (defaultOf('breakerBucketSecs', 'cloud') as number),
          }),
      );
    },
    get eventSource() {
      return once('mapping', () => new LambdaEventSourceSwitch({ client: clients().lambda, mappingId: required(ResourceEnv.DOWNLOADER_MAPPING_ID) }));
    },
    get tracker() {
      return once('tracking', () => new DynamoTracker({ client: clients().dynamodb, tableName: required(ResourceEnv.TRACKING_TABLE) }));
    },
    get documents() {
      return once('bucket', () => new S3DocumentStore({ client: clients().s3, bucket: required(ResourceEnv.BUCKET) }));
    },
    get queue() {
      return once(
        'queue',
        () => new SqsVehicleQueue({ client: clients().sqs, queueUrl: required(ResourceEnv.QUEUE_URL), dlqUrl: env[ResourceEnv.DLQ_URL] || undefined }),
      );
    },
    get credentials() {
      return once('secret', () => new SecretsCredentials({ client: clients().secrets, secretId: required(ResourceEnv.CREDENTIALS_SECRET) }));
    },
    destroy() {
      const current = made.get('clients') as AwsClients | undefined;
      if (current) for (const client of Object.values(current)) client.destroy();
      made.clear();
    },
  };
}

function createClients(): AwsClients {
  // The SDK has no env setting for path-style S3; an emulator endpoint (s3rver) needs it.
  const customS3Endpoint = Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
  return {
    dynamodb: documentClient(new DynamoDBClient({})),
    s3: new S3Client({ forcePathStyle: customS3Endpoint }),
    sqs: new SQSClient({}),
    secrets: new SecretsManagerClient({}),
    lambda: new LambdaClient({}),
  };
}
