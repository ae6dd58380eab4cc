import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, referencedIds, removeSynthDirs, resourcesOfType, synthStack } from '../../harness/synth.js';

let s: Synthesized;
let topicId: string;
beforeAll(() => {
  s = synthStack();
  topicId = s.idOf(s.stack.alarms.topic);
});
afterAll(removeSynthDirs);

const dashboardBody = (json: Synthesized['json']): string => {
  const [, props] = resourcesOfType(json, 'AWS::CloudWatch::Dashboard')[0]!;
  const body = props.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
};

describe('alarms', () => {
  it('alarms as soon as a message sits in the dead-letter queue', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [s.idOf(s.stack.queue.deadLetterQueue), 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it("alarms on the downloader's error rate", () => {
    const downloaderId = s.idOf(s.stack.downloader.worker.function);
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 10,
      AlarmActions: [{ Ref: topicId }],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('errors / invocations') }),
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: downloaderId } }] }),
          }),
        }),
      ]),
    });
  });

  it('does not alarm on missing data (no run, no datapoints)', () => {
    for (const [, alarm] of resourcesOfType(s.json, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('notifies an SNS topic encrypted with a rotating customer managed key', () => {
    const [, topic] = resourcesOfType(s.json, 'AWS::SNS::Topic')[0]!;
    const keyId = [...referencedIds(topic.KmsMasterKeyId)][0]!;
    expect(s.json.Resources[keyId]?.Type).toBe('AWS::KMS::Key');
    expect(s.json.Resources[keyId]?.Properties?.EnableKeyRotation).toBe(true);
  });

  it('lets CloudWatch use the topic key', () => {
    const key = s.json.Resources[s.idOf(s.stack.alarms.topicKey)]!.Properties!;
    expect(key.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });

  it('denies non-TLS publishing to the topic', () => {
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('subscribes no one by default', () => {
    s.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes alarmEmail to the topic when set', () => {
    synthStack({ alarmEmail: 'ops@example.com' }).template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('dashboard', () => {
  it('is one CloudWatch dashboard', () => {
    s.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('shows the downloaded, failed, retries and duration metrics of namespace FleetPdf', () => {
    const body = dashboardBody(s.json);
    for (const metric of ['downloaded', 'failed', 'retries', 'duration']) {
      expect(body).toContain(`Namespace=\\"FleetPdf\\" MetricName=\\"${metric}\\"`);
    }
  });

  it('shows queue depth and DLQ depth', () => {
    const body = dashboardBody(s.json);
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
    expect(body).toContain('ApproximateNumberOfMessagesNotVisible');
    expect(body).toContain(s.idOf(s.stack.queue.deadLetterQueue));
  });

  it('shows the errors of every function', () => {
    const body = dashboardBody(s.json);
    for (const worker of Object.values(s.stack.functions)) expect(body).toContain(s.idOf(worker.function));
    expect(body).toContain('"Errors"');
  });
});
