import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ResourceEnv, SessionTableKeys, TrackingTableKeys, type ResourceEnvName } from '../../lib/contracts/index.js';
import type { AwsEmulatorEndpoints } from './aws-emulators.js';

/**
 * The users' half of the emulators (aws-emulators.ts starts them): point the AWS SDK at them
 * and create fresh, uniquely named resources per test file.
 *
 * ```ts
 * const endpoints = useEmulators();            // top level of the test file
 * const res = await createCloudResources('tracker');
 * ```
 */

/** Region and the dummy keys every emulator accepts (s3rver insists on S3RVER/S3RVER). */
export const EMULATOR_REGION = 'us-east-1';
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The demo portal's credentials, as stored in the secret createCloudResources makes. */
/** `totp`: the demo user's authenticator secret (the condition-reports site asks for a code). */
export const DEMO_SECRET_VALUE = { username: 'demo', password: 'demo-pass', totp: 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA' } as const;

/** The SDK env for `endpoints`, without vitest (the chaos runner starts the emulators itself). */
export function applyEmulatorEnv(endpoints: AwsEmulatorEndpoints): void {
  current = endpoints;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
    AWS_REGION: EMULATOR_REGION,
    AWS_DEFAULT_REGION: EMULATOR_REGION,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    // s3rver stores aws-chunked (streamed, checksummed) bodies verbatim: ask for checksums only when required.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  });
  // A shared ~/.aws profile must not add its own settings (or real credentials) to the tests.
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}

/** SDK clients bound to the emulators explicitly (no env needed): for setting up and inspecting. */
export interface EmulatorClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  s3: S3Client;
  secrets: SecretsManagerClient;
  lambda: LambdaClient;
}

/** The endpoints applyEmulatorEnv (or useEmulators) last set. */
let current: AwsEmulatorEndpoints | undefined;

function currentEndpoints(): AwsEmulatorEndpoints {
  if (!current) throw new Error('AWS emulators: call useEmulators() (vitest) or applyEmulatorEnv(endpoints) first');
  return current;
}

export function emulatorClients(endpoints: AwsEmulatorEndpoints = currentEndpoints()): EmulatorClients {
  const base = { region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS };
  return {
    dynamodb: new DynamoDBClient({ ...base, endpoint: endpoints.dynamodb }),
    sqs: new SQSClient({ ...base, endpoint: endpoints.sqs }),
    s3: new S3Client({
      ...base,
      endpoint: endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    secrets: new SecretsManagerClient({ ...base, endpoint: endpoints.secretsManager }),
    lambda: new LambdaClient({ ...base, endpoint: endpoints.lambda }),
  };
}

export interface CloudResourceOptions {
  /** The source queue's RedrivePolicy maxReceiveCount. @default 3 */
  maxReceiveCount?: number;
  /** The source queue's visibility timeout, in seconds. @default 30 */
  visibilityTimeoutSecs?: number;
  /** The secret's value; a string is stored as is (to test a non-JSON secret). @default DEMO_SECRET_VALUE */
  secretValue?: Record<string, string> | string;
  /** Where the emulators run. @default the ones of the last applyEmulatorEnv / useEmulators */
  endpoints?: AwsEmulatorEndpoints;
}

/** What createCloudResources made: names, URLs and the env a Lambda of the stack would get. */
export interface CloudResources {
  prefix: string;
  sessionTable: string;
  trackingTable: string;
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
  bucket: string;
  /** Secret name (GetSecretValue takes it as SecretId). */
  secretId: string;
  secretArn: string;
  /** The downloader's event source mapping on `queueArn` (the breaker switches it off and on). */
  mappingId: string;
  /** `ResourceEnv` names of lib/contracts to values, for the resources above. */
  env: Record<ResourceEnvName, string>;
  clients: EmulatorClients;
}

/**
 * Fresh, isolated resources for one test file (names get a random suffix), laid out like the
 * stack's: the session table (`pk`), the tracking table (`runId`/`ref`, GSI `byStatus` on
 * `runId`/`status`), a queue with a DLQ (RedrivePolicy with `maxReceiveCount`, 14-day DLQ
 * retention, redrive allowed back), a bucket, and the credentials secret.
 * Queues are never purged to reset a test (PurgeQueue is delayed 60 s in the emulator): make new ones.
 */
export async function createCloudResources(prefix: string, options: CloudResourceOptions = {}): Promise<CloudResources> {
  const clients = emulatorClients(options.endpoints ?? currentEndpoints());
  const unique = `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 30)}-${randomBytes(4).toString('hex')}`;
  const names = {
    sessionTable: `${unique}-session`,
    trackingTable: `${unique}-tracking`,
    queue: `${unique}-vehicles`,
    dlq: `${unique}-vehicles-dlq`,
    bucket: `${unique}-pdfs`,
    secret: `${unique}/portal-credentials`,
  };

  const sessionTable = clients.dynamodb.send(
    new CreateTableCommand({
      TableName: names.sessionTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: SessionTableKeys.PARTITION_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: SessionTableKeys.PARTITION_KEY, KeyType: 'HASH' }],
    }),
  );
  const trackingTable = clients.dynamodb.send(
    new CreateTableCommand({
      TableName: names.trackingTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TrackingTableKeys.PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: TrackingTableKeys.SORT_KEY, AttributeType: 'S' },
        { AttributeName: TrackingTableKeys.STATUS_ATTRIBUTE, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: TrackingTableKeys.PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: TrackingTableKeys.SORT_KEY, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: TrackingTableKeys.STATUS_INDEX,
          KeySchema: [
            { AttributeName: TrackingTableKeys.PARTITION_KEY, KeyType: 'HASH' },
            { AttributeName: TrackingTableKeys.STATUS_ATTRIBUTE, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  const queues = (async () => {
    const dlq = await clients.sqs.send(
      new CreateQueueCommand({
        QueueName: names.dlq,
        Attributes: {
          MessageRetentionPeriod: String(14 * 24 * 3600),
          RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'allowAll' }),
        },
      }),
    );
    const dlqUrl = required(dlq.QueueUrl, 'DLQ url');
    const dlqArn = await queueArn(clients.sqs, dlqUrl);
    const queue = await clients.sqs.send(
      new CreateQueueCommand({
        QueueName: names.queue,
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutSecs ?? 30),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 3 }),
        },
      }),
    );
    const queueUrl = required(queue.QueueUrl, 'queue url');
    return { queueUrl, queueArn: await queueArn(clients.sqs, queueUrl), dlqUrl, dlqArn };
  })();
  const bucket = clients.s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  const value = options.secretValue ?? DEMO_SECRET_VALUE;
  const secret = clients.secrets.send(
    new CreateSecretCommand({ Name: names.secret, SecretString: typeof value === 'string' ? value : JSON.stringify(value) }),
  );

  const mapping = queues.then((q) =>
    clients.lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: q.queueArn, FunctionName: `${unique}-downloader`, BatchSize: 1 })),
  );
  const [, , q, , s, m] = await Promise.all([sessionTable, trackingTable, queues, bucket, secret, mapping]);
  const mappingId = required(m.UUID, 'event source mapping UUID');
  return {
    prefix: unique,
    sessionTable: names.sessionTable,
    trackingTable: names.trackingTable,
    ...q,
    bucket: names.bucket,
    secretId: names.secret,
    secretArn: required(s.ARN, 'secret ARN'),
    mappingId,
    env: {
      [ResourceEnv.SESSION_TABLE]: names.sessionTable,
      [ResourceEnv.TRACKING_TABLE]: names.trackingTable,
      [ResourceEnv.QUEUE_URL]: q.queueUrl,
      [ResourceEnv.DLQ_URL]: q.dlqUrl,
      [ResourceEnv.BUCKET]: names.bucket,
      [ResourceEnv.CREDENTIALS_SECRET]: names.secret,
      [ResourceEnv.DOWNLOADER_MAPPING_ID]: mappingId,
    },
    clients,
  };
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return required(out.Attributes?.QueueArn, 'QueueArn');
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`emulator returned no ${what}`);
  return value;
}
