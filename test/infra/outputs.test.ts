import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StackOutput } from '../../lib/contracts/index.js';
import { type Synthesized, referencedIds, removeSynthDirs, synthStack } from '../../harness/synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthStack();
});
afterAll(removeSynthDirs);

const outputValue = (id: string): unknown => s.json.Outputs?.[id]?.Value;

describe('outputs', () => {
  it('are exactly the stable ids fleetpdf cloud reads', () => {
    expect(Object.keys(s.json.Outputs ?? {}).sort()).toEqual(
      [
        'BucketName',
        'StateMachineArn',
        'QueueUrl',
        'DlqUrl',
        'DlqArn',
        'TrackingTableName',
        'SessionTableName',
        'CredentialsSecretName',
        'DashboardName',
      ].sort(),
    );
  });

  it.each([
    [StackOutput.BUCKET_NAME, () => s.stack.bucket.bucket],
    [StackOutput.STATE_MACHINE_ARN, () => s.stack.runStateMachine.stateMachine],
    [StackOutput.QUEUE_URL, () => s.stack.queue.queue],
    [StackOutput.DLQ_URL, () => s.stack.queue.deadLetterQueue],
    [StackOutput.TRACKING_TABLE_NAME, () => s.stack.tracking.table],
    [StackOutput.SESSION_TABLE_NAME, () => s.stack.sessions.table],
    [StackOutput.DASHBOARD_NAME, () => s.stack.dashboard.dashboard],
  ] as const)('%s refers to its resource', (id, construct) => {
    expect(outputValue(id)).toEqual({ Ref: s.idOf(construct()) });
  });

  it('DlqArn is the dead-letter queue\'s ARN (what start-message-move-task --source-arn takes)', () => {
    expect(outputValue(StackOutput.DLQ_ARN)).toEqual({ 'Fn::GetAtt': [s.idOf(s.stack.queue.deadLetterQueue), 'Arn'] });
  });

  it("CredentialsSecretName is derived from the created secret's ARN", () => {
    expect(referencedIds(outputValue(StackOutput.CREDENTIALS_SECRET_NAME))).toEqual(
      new Set([s.idOf(s.stack.secrets.credentials)]),
    );
  });

  it('CredentialsSecretName is the given name for an existing secret', () => {
    const other = synthStack({ credentialsSecretName: 'fleetpdf/portal' });
    expect(other.json.Outputs?.[StackOutput.CREDENTIALS_SECRET_NAME]?.Value).toBe('fleetpdf/portal');
  });
});
