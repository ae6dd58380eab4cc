import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionTableKeys, TrackingTableKeys } from '../../lib/contracts/index.js';
import { type Synthesized, removeSynthDirs, synthStack } from '../../harness/synth.js';

let s: Synthesized;
let session: { Properties?: Record<string, any>; DeletionPolicy?: string };
let tracking: { Properties?: Record<string, any>; DeletionPolicy?: string };

beforeAll(() => {
  s = synthStack();
  session = s.json.Resources[s.idOf(s.stack.sessions.table)]!;
  tracking = s.json.Resources[s.idOf(s.stack.tracking.table)]!;
});
afterAll(removeSynthDirs);

describe('SessionStore table', () => {
  it('is keyed by the string partition key pk', () => {
    expect(session.Properties?.KeySchema).toEqual([{ AttributeName: SessionTableKeys.PARTITION_KEY, KeyType: 'HASH' }]);
    expect(session.Properties?.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
  });

  it('expires sessions and abandoned locks with TTL on ttl', () => {
    expect(session.Properties?.TimeToLiveSpecification).toEqual({
      AttributeName: SessionTableKeys.TTL_ATTRIBUTE,
      Enabled: true,
    });
  });

  it('is encrypted at rest with the AWS managed key', () => {
    expect(session.Properties?.SSESpecification).toEqual({ SSEEnabled: true }) // SSEEnabled alone = KMS with the AWS managed key;
  });

  it('has point-in-time recovery on', () => {
    expect(session.Properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('is billed on demand', () => {
    expect(session.Properties?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('is deleted with the stack (a session is worth one login)', () => {
    expect(session.DeletionPolicy).toBe('Delete');
  });
});

describe('Tracking table', () => {
  it('is keyed by (runId, ref)', () => {
    expect(tracking.Properties?.KeySchema).toEqual([
      { AttributeName: TrackingTableKeys.PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: TrackingTableKeys.SORT_KEY, KeyType: 'RANGE' },
    ]);
  });

  it('has the byStatus index (runId, status; keys only) to count a run by status', () => {
    expect(tracking.Properties?.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: TrackingTableKeys.STATUS_INDEX,
        KeySchema: [
          { AttributeName: 'runId', KeyType: 'HASH' },
          { AttributeName: TrackingTableKeys.STATUS_ATTRIBUTE, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
  });

  it('declares string types for runId, ref and status', () => {
    expect(tracking.Properties?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'runId', AttributeType: 'S' },
        { AttributeName: 'ref', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
      ]),
    );
  });

  it('is encrypted at rest with the AWS managed key', () => {
    expect(tracking.Properties?.SSESpecification).toEqual({ SSEEnabled: true }) // SSEEnabled alone = KMS with the AWS managed key;
  });

  it('has point-in-time recovery on', () => {
    expect(tracking.Properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('is billed on demand', () => {
    expect(tracking.Properties?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('is retained when the stack is deleted', () => {
    expect(tracking.DeletionPolicy).toBe('Retain');
  });
});
