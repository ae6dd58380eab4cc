import { type Duration, Duration as D, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface VehicleQueueProps {
  /**
   * How long a received message stays invisible. AWS asks for at least 6 times the consuming
   * function's timeout, so a message is not handed to a second downloader while the first one
   * (and the event source's retries) may still be working on it.
   */
  readonly visibilityTimeout: Duration;
  /** Receives before a message moves to the dead-letter queue: the attempts per vehicle (the maxAttempts setting). */
  readonly maxReceiveCount: number;
  /**
   * How long a message stays in the dead-letter queue, in days (SQS allows up to 14).
   * @default 14
   */
  readonly dlqRetentionDays?: number;
  /**
   * Physical name of the queue; the DLQ gets `<name>-dlq`. The name is what lets the DLQ's
   * redrive-allow policy name the source queue without a dependency cycle (the source queue
   * already refers to the DLQ).
   * @default `<stack name>-vehicles`
   */
  readonly queueName?: string;
}

/**
 * The SQS queue of `{runId, ref, vin}` messages, one per vehicle, with its dead-letter queue.
 * Both are SQS-encrypted and refuse non-TLS requests. The DLQ keeps messages 14 days and allows
 * redrive back to the source queue only, so the console's "Start DLQ redrive" (and
 * StartMessageMoveTask) works after the cause of the failures is fixed.
 */
export class VehicleQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly visibilityTimeout: Duration;
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: VehicleQueueProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const queueName = props.queueName ?? `${stack.stackName}-vehicles`;
    if (!/^[A-Za-z0-9_-]{1,76}$/.test(queueName)) {
      throw new Error(`VehicleQueue: queue name "${queueName}" must be 1-76 letters, digits, "-" or "_"`);
    }
    this.visibilityTimeout = props.visibilityTimeout;
    this.maxReceiveCount = props.maxReceiveCount;

    // The source queue's ARN, built from its name: the DLQ's RedriveAllowPolicy must not
    // reference the queue resource (the queue's RedrivePolicy references the DLQ).
    const sourceQueueArn = stack.formatArn({ service: 'sqs', resource: queueName });
    const sourceQueueRef = Queue.fromQueueArn(this, 'SourceQueueRef', sourceQueueArn);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: `${queueName}-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: D.days(props.dlqRetentionDays ?? 14),
      redriveAllowPolicy: {
        redrivePermission: RedrivePermission.BY_QUEUE,
        sourceQueues: [sourceQueueRef],
      },
    });

    this.queue = new Queue(this, 'Queue', {
      queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      // Longer than a run may take (the state machine times out after 24 h).
      retentionPeriod: D.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
    });
  }

  get queueUrl(): string {
    return this.queue.queueUrl;
  }

  get deadLetterQueueUrl(): string {
    return this.deadLetterQueue.queueUrl;
  }

  /** SendMessage (and SendMessageBatch, which uses the same action) on the queue. */
  grantSendVehicles(grantee: IGrantable): Grant {
    return this.queue.grantSendMessages(grantee);
  }

  /** Move a received message's visibility (retry backoff): ChangeMessageVisibility on the queue. */
  grantChangeVisibility(grantee: IGrantable): Grant {
    return this.queue.grant(grantee, 'sqs:ChangeMessageVisibility');
  }

  /** Read the depths: GetQueueAttributes on the queue and the DLQ. */
  grantReadDepths(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['sqs:GetQueueAttributes'],
      resourceArns: [this.queue.queueArn, this.deadLetterQueue.queueArn],
    });
  }
}
