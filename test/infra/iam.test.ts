import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '../../lib/contracts/index.js';
import { type Synthesized, referencedIds, removeSynthDirs, resourcesOfType, synthStack } from '../../harness/synth.js';
import { STAR_ONLY_ACTIONS } from '../helpers/iam.js';

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

let s: Synthesized;
beforeAll(() => {
  s = synthStack();
});
afterAll(removeSynthDirs);

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function allowStatements(json: Synthesized['json']): { policy: string; statement: Statement }[] {
  return resourcesOfType(json, 'AWS::IAM::Policy').flatMap(([policy, props]) =>
    (props.PolicyDocument.Statement as Statement[])
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => ({ policy, statement })),
  );
}

function statementsOf(name: FunctionName): Statement[] {
  const roleId = s.idOf(s.stack.functions[name].role);
  return resourcesOfType(s.json, 'AWS::IAM::Policy')
    .filter(([, props]) => referencedIds(props.Roles).has(roleId))
    .flatMap(([, props]) => props.PolicyDocument.Statement as Statement[]);
}

function actionsOn(name: FunctionName, resourceId: string): string[] {
  return statementsOf(name)
    .filter((st) => list(st.Resource).some((r) => referencedIds(r).has(resourceId)))
    .flatMap((st) => list(st.Action));
}

describe('IAM', () => {
  it('uses Resource "*" only for actions that have no resource-level permissions (X-Ray, log delivery)', () => {
    const offending = allowStatements(s.json)
      .filter(({ statement }) => list(statement.Resource).includes('*'))
      .flatMap(({ policy, statement }) => list(statement.Action).filter((a) => !STAR_ONLY_ACTIONS.has(a)).map((a) => `${policy}: ${a}`));
    expect(offending).toEqual([]);
  });

  it("names only the stack's own resources in every other statement", () => {
    const own = new Set(Object.keys(s.json.Resources));
    const offending: string[] = [];
    for (const { policy, statement } of allowStatements(s.json)) {
      for (const resource of list(statement.Resource)) {
        if (resource === '*') continue;
        const ids = referencedIds(resource);
        if (ids.size === 0 || [...ids].some((id) => !own.has(id))) offending.push(`${policy}: ${JSON.stringify(resource)}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('allows no wildcard actions', () => {
    const wildcards = allowStatements(s.json).flatMap(({ statement }) => list(statement.Action).filter((a) => a.includes('*')));
    expect(wildcards).toEqual([]);
  });

  it('grants an existing credentials secret by its name only', () => {
    const other = synthStack({ credentialsSecretName: 'fleetpdf/portal' });
    const secretResources = allowStatements(other.json)
      .filter(({ statement }) => list(statement.Action).includes('secretsmanager:GetSecretValue'))
      .flatMap(({ statement }) => list(statement.Resource).map((r) => JSON.stringify(r)));
    expect(secretResources.length).toBeGreaterThan(0);
    for (const resource of secretResources) expect(resource).toMatch(/:secret:fleetpdf\/portal-\?\?\?\?\?\?"/);
  });

  it('lets only Login, Enqueue and the downloader read the credentials secret', () => {
    const secretId = s.idOf(s.stack.secrets.credentials);
    const readers = (['Login', 'Enqueue', 'Downloader', 'Progress', 'Report'] as const).filter((name) =>
      actionsOn(name, secretId).includes('secretsmanager:GetSecretValue'),
    );
    expect(readers).toEqual(['Login', 'Enqueue', 'Downloader']);
  });

  it('lets only Enqueue and the downloader (parking a message while paused) send to the queue, and nobody to the DLQ', () => {
    const all = ['Login', 'Enqueue', 'Downloader', 'Progress', 'Report'] as const;
    const sendersTo = (id: string) => all.filter((name) => actionsOn(name, id).includes('sqs:SendMessage'));
    expect(sendersTo(s.idOf(s.stack.queue.queue))).toEqual(['Enqueue', 'Downloader']);
    expect(sendersTo(s.idOf(s.stack.queue.deadLetterQueue))).toEqual([]);
  });

  it('lets only Login and Progress switch the downloader event source mapping, and that one mapping only', () => {
    const [mappingId] = Object.entries(s.json.Resources).find(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping')!;
    for (const name of ['Login', 'Enqueue', 'Downloader', 'Progress', 'Report'] as const) {
      const onMappings = statementsOf(name).filter((st) => list(st.Action).some((a) => a.includes('EventSourceMapping')));
      if (name !== 'Login' && name !== 'Progress') {
        expect(onMappings, name).toEqual([]);
        continue;
      }
      expect(onMappings, name).toHaveLength(1);
      expect(list(onMappings[0]?.Action).sort()).toEqual(['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping']);
      expect(list(onMappings[0]?.Resource).flatMap((r) => [...referencedIds(r)])).toEqual([mappingId]);
    }
  });

  it('lets Enqueue, the downloader and Report put objects under runs/ only, and nothing else of the bucket', () => {
    const bucketId = s.idOf(s.stack.bucket.bucket);
    for (const name of ['Enqueue', 'Downloader', 'Report'] as const) {
      const onBucket = statementsOf(name).filter((st) => list(st.Resource).some((r) => referencedIds(r).has(bucketId)));
      expect(onBucket, name).toHaveLength(1);
      expect(onBucket[0]?.Action).toBe('s3:PutObject');
      const resource = list(onBucket[0]?.Resource)[0] as { 'Fn::Join': [string, unknown[]] };
      expect(resource['Fn::Join'][1].at(-1)).toBe('/runs/*');
    }
    for (const name of ['Login', 'Progress'] as const) expect(actionsOn(name, bucketId), name).toEqual([]);
  });

  it('lets Progress query the byStatus index and read queue depths, nothing more', () => {
    const tableId = s.idOf(s.stack.tracking.table);
    const statements = statementsOf('Progress').filter((st) => !list(st.Action).some((a) => a.startsWith('logs:') || a.startsWith('xray:')));
    const dynamo = statements.filter(
      (st) => list(st.Action).some((a) => a.startsWith('dynamodb:')) && referencedIds(list(st.Resource)[0]).has(tableId),
    );
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]?.Action).toBe('dynamodb:Query');
    const indexArn = dynamo[0]?.Resource as { 'Fn::Join': [string, unknown[]] };
    expect(referencedIds(indexArn)).toEqual(new Set([tableId]));
    expect(indexArn['Fn::Join'][1].at(-1)).toBe('/index/byStatus');
    const sqs = statements.filter((st) => list(st.Action).some((a) => a.startsWith('sqs:')));
    expect(sqs.flatMap((st) => list(st.Action))).toEqual(['sqs:GetQueueAttributes']);
    expect(referencedIds(sqs[0]?.Resource)).toEqual(new Set([s.idOf(s.stack.queue.queue), s.idOf(s.stack.queue.deadLetterQueue)]));
  });

  it('lets Report and Progress only read the session table (counters and session version; the breaker)', () => {
    const sessionId = s.idOf(s.stack.sessions.table);
    expect(actionsOn('Report', sessionId)).toEqual(['dynamodb:GetItem']);
    expect(actionsOn('Progress', sessionId)).toEqual(['dynamodb:GetItem']);
  });

  it('lets Login, Enqueue and the downloader read and write the session table (session, lock, counters)', () => {
    const sessionId = s.idOf(s.stack.sessions.table);
    for (const name of ['Login', 'Enqueue', 'Downloader'] as const) {
      expect(actionsOn(name, sessionId).sort(), name).toEqual(
        ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      );
    }
  });

  it('lets no function scan or delete tracking rows', () => {
    const tableId = s.idOf(s.stack.tracking.table);
    for (const name of ['Login', 'Enqueue', 'Downloader', 'Progress', 'Report'] as const) {
      const actions = actionsOn(name, tableId);
      expect(actions, name).not.toContain('dynamodb:Scan');
      expect(actions, name).not.toContain('dynamodb:DeleteItem');
    }
  });

  it('lets each function write only to its own log group', () => {
    for (const name of ['Login', 'Enqueue', 'Downloader', 'Progress', 'Report'] as const) {
      const logs = statementsOf(name).filter((st) => list(st.Action).some((a) => a.startsWith('logs:')));
      expect(logs.flatMap((st) => list(st.Resource)), name).toEqual([
        { 'Fn::GetAtt': [s.idOf(s.stack.functions[name].logGroup), 'Arn'] },
      ]);
    }
  });

  it('lets the state machine invoke Login, Enqueue, Progress and Report, not the downloader', () => {
    const roleId = s.idOf(s.stack.runStateMachine.stateMachine.role);
    const invoked = resourcesOfType(s.json, 'AWS::IAM::Policy')
      .filter(([, props]) => referencedIds(props.Roles).has(roleId))
      .flatMap(([, props]) => props.PolicyDocument.Statement as Statement[])
      .filter((st) => list(st.Action).includes('lambda:InvokeFunction'))
      .flatMap((st) => [...referencedIds(st.Resource)]);
    const expected = (['Login', 'Enqueue', 'Progress', 'Report'] as const).map((n) => s.idOf(s.stack.functions[n].function));
    expect(new Set(invoked)).toEqual(new Set(expected));
  });
});
