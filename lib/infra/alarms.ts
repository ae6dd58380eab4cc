import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { VehicleQueue } from './vehicle-queue.js';
import type { WorkerFunction } from './worker-function.js';

export interface AlarmsProps {
  readonly queue: VehicleQueue;
  readonly downloader: WorkerFunction;
  /**
   * E-mail address subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Downloader error rate (errors / invocations, in percent over 5 minutes) that raises the alarm.
   * @default 10
   */
  readonly downloaderErrorRatePercent?: number;
}

/**
 * Alarms on what needs a human: a message in the dead-letter queue (a vehicle failed every
 * attempt) and the downloader's error rate. They notify an SNS topic that is encrypted with a
 * customer managed KMS key (CloudWatch cannot publish to a topic encrypted with the AWS
 * managed `aws/sns` key) and refuses non-TLS publishers.
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  readonly topicKey: Key;
  readonly dlqAlarm: Alarm;
  readonly downloaderErrorRateAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.topicKey = new Key(this, 'TopicKey', {
      description: 'fleetpdf alarm topic encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch alarms encrypt the messages they publish to the topic with this key.
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: 'fleetpdf alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    this.dlqAlarm = new Alarm(this, 'DeadLetterQueueNotEmpty', {
      alarmDescription:
        'A vehicle failed every attempt and its message is in the dead-letter queue. Fix the cause, then redrive the DLQ.',
      metric: props.queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const fn = props.downloader.function;
    const errorRate = new MathExpression({
      label: 'Downloader error rate (%)',
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: {
        errors: fn.metricErrors({ statistic: 'Sum' }),
        invocations: fn.metricInvocations({ statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
    });
    this.downloaderErrorRateAlarm = new Alarm(this, 'DownloaderErrorRate', {
      alarmDescription:
        'The downloader function itself fails (crashes, timeouts, out of memory), not single vehicles: check its logs.',
      metric: errorRate,
      threshold: props.downloaderErrorRatePercent ?? 10,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    for (const alarm of [this.dlqAlarm, this.downloaderErrorRateAlarm]) {
      alarm.addAlarmAction(action);
    }
  }
}
