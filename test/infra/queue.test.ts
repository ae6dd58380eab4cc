import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudTimings, defaultSettings } from '../../lib/settings/index.js';
import { type Synthesized, referencedIds, removeSynthDirs, resourcesOfType, synthStack } from '../../harness/synth.js';

let s: Synthesized;
let queueId: string;
let dlqId: string;

beforeAll(() => {
  s = synthStack();
  queueId = s.idOf(s.stack.queue.queue);
  dlqId = s.idOf(s.stack.queue.deadLetterQueue);
});
afterAll(removeSynthDirs);

describe('VehicleQueue', () => {
  it('sends a message to the DLQ after maxAttempts (3) receives', () => {
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 3 },
    });
  });

  it('takes maxReceiveCount from the maxAttempts context key', () => {
    const other = synthStack({ maxAttempts: '5' });
    other.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
  });

  it('keeps dead letters 14 days', () => {
    expect(s.json.Resources[dlqId]?.Properties?.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it("allows redrive from the DLQ back to the source queue only (console's Start DLQ redrive)", () => {
    const policy = s.json.Resources[dlqId]?.Properties?.RedriveAllowPolicy as {
      redrivePermission: string;
      sourceQueueArns: unknown[];
    };
    expect(policy.redrivePermission).toBe('byQueue');
    expect(policy.sourceQueueArns).toHaveLength(1);
    const arn = policy.sourceQueueArns[0] as { 'Fn::Join': [string, unknown[]] };
    const parts = arn['Fn::Join'][1];
    const queueName = s.json.Resources[queueId]?.Properties?.QueueName as string;
    expect(parts.at(-1)).toBe(`:${queueName}`);
    expect(parts).toContain(':sqs:');
  });

  it('has no dependency from the DLQ on the source queue (no cycle with the redrive policy)', () => {
    expect(referencedIds(s.json.Resources[dlqId]).has(queueId)).toBe(false);
  });

  it('gives the queue a visibility timeout of at least 6 x the downloader timeout', () => {
    const downloader = s.idOf(s.stack.downloader.worker.function);
    const timeout = s.json.Resources[downloader]?.Properties?.Timeout as number;
    expect(timeout).toBe(cloudTimings(defaultSettings('cloud')).downloaderTimeoutSecs);
    const visibility = s.json.Resources[queueId]?.Properties?.VisibilityTimeout as number;
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('encrypts both queues with SQS-managed keys', () => {
    for (const id of [queueId, dlqId]) {
      expect(s.json.Resources[id]?.Properties?.SqsManagedSseEnabled, id).toBe(true);
    }
  });

  it('denies non-TLS access to both queues', () => {
    const policies = resourcesOfType(s.json, 'AWS::SQS::QueuePolicy');
    for (const id of [queueId, dlqId]) {
      const policy = policies.find(([, p]) => referencedIds(p.Queues).has(id));
      expect(policy, `queue policy of ${id}`).toBeDefined();
      expect(policy?.[1].PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Resource: { 'Fn::GetAtt': [id, 'Arn'] },
        }),
      );
    }
  });

  it('names the queues after the stack so several stacks can share an account', () => {
    const other = synthStack({ stackName: 'FleetPdfTest' });
    const names = resourcesOfType(other.json, 'AWS::SQS::Queue').map(([, p]) => p.QueueName as string);
    expect(names.sort()).toEqual(['FleetPdfTest-vehicles', 'FleetPdfTest-vehicles-dlq']);
  });
});

describe('the template', () => {
  it('has no dependency cycle (CloudFormation would reject it)', () => {
    const edges = new Map<string, Set<string>>();
    for (const [id, resource] of Object.entries(s.json.Resources)) {
      const deps = referencedIds({ p: resource.Properties, d: (resource.DependsOn ?? []).map((x) => ({ Ref: x })) });
      deps.delete(id);
      edges.set(id, new Set([...deps].filter((d) => d in s.json.Resources)));
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const cycle: string[] = [];
    const visit = (id: string, path: string[]): boolean => {
      if (state.get(id) === 'done') return false;
      if (state.get(id) === 'visiting') {
        cycle.push(...path.slice(path.indexOf(id)), id);
        return true;
      }
      state.set(id, 'visiting');
      for (const next of edges.get(id) ?? []) if (visit(next, [...path, id])) return true;
      state.set(id, 'done');
      return false;
    };
    for (const id of edges.keys()) if (visit(id, [])) break;
    expect(cycle).toEqual([]);
  });
});
