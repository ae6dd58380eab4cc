import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, removeSynthDirs, resourcesOfType, synthStack } from '../../harness/synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthStack();
});
afterAll(removeSynthDirs);

describe('Downloader event source', () => {
  it('reads the vehicle queue into the downloader function', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [s.idOf(s.stack.queue.queue), 'Arn'] },
      FunctionName: { Ref: s.idOf(s.stack.downloader.worker.function) },
    });
  });

  it('is the only event source mapping', () => {
    expect(resourcesOfType(s.json, 'AWS::Lambda::EventSourceMapping')).toHaveLength(1);
  });

  it('hands one message (one vehicle) to an invocation', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1 });
  });

  it('caps concurrent downloaders with ScalingConfig.MaximumConcurrency (default 10)', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 10 } });
  });

  it('takes MaximumConcurrency from the downloaderConcurrency context key', () => {
    synthStack({ downloaderConcurrency: '25' }).template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 25 },
    });
  });

  it('reports failures per message (ReportBatchItemFailures)', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('lets the downloader change message visibility on the queue (retry backoff)', () => {
    s.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: s.idOf(s.stack.downloader.worker.role) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:ChangeMessageVisibility']),
            Resource: { 'Fn::GetAtt': [s.idOf(s.stack.queue.queue), 'Arn'] },
          }),
        ]),
      },
    });
  });
});
