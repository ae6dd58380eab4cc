import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CriticalError } from '../../core/errors.js';
import { Env, type EnvName } from '../../cloud/contracts.js';
import { documentClient } from './aws-errors.js';
import { DynamoBreakerStore } from './dynamo-breaker-store.js';
import { DynamoRunCounters } from './dynamo-run-counters.js';
import { LambdaEventSourceSwitch } from './lambda-event-source-switch.js';
import { DynamoSessionStore } from './dynamo-session-store.js';
import { DynamoTracker } from './dynamo-tracker.js';
import { S3DocumentStore } from './s3-document-store.js';
import { SecretsCredentials } from './secrets-credentials.js';
import { SqsVehicleQueue } from './sqs-vehicle-queue.js';

/**
 * The one place the AWS adapters meet environment variables. A Lambda handler calls
 * `fromEnv()` per invocation and gets the same clients and adapter instances every time
 * within a container (module scope survives warm invocations), so connections and the
 * credentials cache are reused. Resource names come from the stack's `Env` variables
 * (lib/cloud/contracts.ts); region, credentials and endpoints from the SDK's own env
 * (`AWS_REGION`, `AWS_ENDPOINT_URL_<SERVICE>`, ...). Each adapter is built on first use, so
 * a function only needs the variables of the adapters it touches.
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
}

let clients: AwsClients | undefined;
const adapters = new Map<string, unknown>();

/** The SDK clients of this container, created on first use. */
export function awsClients(): AwsClients {
  clients ??= createClients();
  return clients;
}

/** The adapters for the resources named in `env` (default: process.env). */
export function fromEnv(env: NodeJS.ProcessEnv = process.env): AwsAdapters {
  return {
    get clients() {
      return awsClients();
    },
    get sessionStore() {
      const tableName = required(env, Env.SESSION_TABLE);
      return memo(`session:${tableName}`, () => new DynamoSessionStore({ client: awsClients().dynamodb, tableName }));
    },
    get counters() {
      const tableName = required(env, Env.SESSION_TABLE);
      return memo(`counters:${tableName}`, () => new DynamoRunCounters({ client: awsClients().dynamodb, tableName }));
    },
    get breaker() {
      const tableName = required(env, Env.SESSION_TABLE);
      return memo(`breaker:${tableName}`, () => new DynamoBreakerStore({ client: awsClients().dynamodb, tableName }));
    },
    get eventSource() {
      const mappingId = required(env, Env.DOWNLOADER_MAPPING_ID);
      return memo(`mapping:${mappingId}`, () => new LambdaEventSourceSwitch({ client: awsClients().lambda, mappingId }));
    },
    get tracker() {
      const tableName = required(env, Env.TRACKING_TABLE);
      return memo(`tracking:${tableName}`, () => new DynamoTracker({ client: awsClients().dynamodb, tableName }));
    },
    get documents() {
      const bucket = required(env, Env.BUCKET);
      return memo(`bucket:${bucket}`, () => new S3DocumentStore({ client: awsClients().s3, bucket }));
    },
    get queue() {
      const queueUrl = required(env, Env.QUEUE_URL);
      const dlqUrl = env[Env.DLQ_URL] || undefined;
      return memo(`queue:${queueUrl}|${dlqUrl ?? ''}`, () => new SqsVehicleQueue({ client: awsClients().sqs, queueUrl, dlqUrl }));
    },
    get credentials() {
      const secretId = required(env, Env.CREDENTIALS_SECRET);
      return memo(`secret:${secretId}`, () => new SecretsCredentials({ client: awsClients().secrets, secretId }));
    },
  };
}

/** Drop the clients and adapters of this module (tests that change the SDK env between cases). */
export function resetAwsClients(): void {
  if (clients) for (const client of Object.values(clients)) client.destroy();
  clients = undefined;
  adapters.clear();
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

function memo<T>(key: string, create: () => T): T {
  let value = adapters.get(key) as T | undefined;
  if (value === undefined) {
    value = create();
    adapters.set(key, value);
  }
  return value;
}

function required(env: NodeJS.ProcessEnv, name: EnvName): string {
  const value = env[name]?.trim();
  if (!value) throw new CriticalError(`environment variable ${name} is not set (the stack sets it for each function)`, 'config');
  return value;
}
