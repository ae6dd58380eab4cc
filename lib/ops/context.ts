import { DynamoRunCounters, DynamoTracker, S3DocumentStore, SqsVehicleQueue } from '../adapters/aws/index.js';
import { createOpsClients, type AwsTarget, type OpsClients } from './aws-clients.js';
import { StackOutput } from '../contracts/index.js';
import { readStackOutputs, type StackOutputs } from './stack-outputs.js';

/** Everything a `fleetpdf cloud` command works with: the clients, the stack's outputs, and the stack's adapters. */
export interface OpsContext {
  stackName: string;
  clients: OpsClients;
  outputs: StackOutputs;
  /** The state machine's ARN (output StateMachineArn). */
  readonly stateMachineArn: string;
  /** Tracking rows (output TrackingTableName). */
  readonly tracker: DynamoTracker;
  /** Run counters such as retries (output SessionTableName). */
  readonly counters: DynamoRunCounters;
  /** Vehicle queue and DLQ (outputs QueueUrl, DlqUrl). */
  readonly queue: SqsVehicleQueue;
  /** PDFs and reports (output BucketName). */
  readonly documents: S3DocumentStore;
  close(): void;
}

/** Resolve the stack's outputs and build what the commands need, each on first use (so a command only needs its outputs). */
export async function openOps(options: AwsTarget & { stackName: string }): Promise<OpsContext> {
  const clients = createOpsClients(options);
  let outputs: StackOutputs;
  try {
    outputs = await readStackOutputs(clients.cloudformation, options.stackName);
  } catch (error) {
    clients.destroy();
    throw error;
  }
  const memo = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!memo.has(key)) memo.set(key, make());
    return memo.get(key) as T;
  };
  return {
    stackName: options.stackName,
    clients,
    outputs,
    get stateMachineArn() {
      return outputs.get(StackOutput.STATE_MACHINE_ARN);
    },
    get tracker() {
      return once('tracker', () => new DynamoTracker({ client: clients.dynamodb, tableName: outputs.get(StackOutput.TRACKING_TABLE_NAME) }));
    },
    get counters() {
      return once('counters', () => new DynamoRunCounters({ client: clients.dynamodb, tableName: outputs.get(StackOutput.SESSION_TABLE_NAME) }));
    },
    get queue() {
      return once(
        'queue',
        () => new SqsVehicleQueue({ client: clients.sqs, queueUrl: outputs.get(StackOutput.QUEUE_URL), dlqUrl: outputs.get(StackOutput.DLQ_URL) }),
      );
    },
    get documents() {
      return once('documents', () => new S3DocumentStore({ client: clients.s3, bucket: outputs.get(StackOutput.BUCKET_NAME) }));
    },
    close: () => clients.destroy(),
  };
}
