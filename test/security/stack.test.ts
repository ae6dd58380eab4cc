import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, referencedIds, removeSynthDirs, resourcesOfType, synthStack } from '../../harness/synth.js';
import { STAR_ONLY_ACTIONS } from '../helpers/iam.js';

/**
 * Issue 5, security of the stack. Already covered in test/infra (not repeated here):
 * - iam.test.ts: Resource "*" only for X-Ray / log-delivery actions, every other statement
 *   names the stack's own resources, no wildcard actions (default stack);
 * - nag.test.ts: cdk-nag AwsSolutions clean for the default and the all-options stack, and
 *   exactly the expected acknowledgments (IAM5 Resource::* among them);
 * - bucket.test.ts / queue.test.ts / observability.test.ts: TLS-only policies of the two
 *   buckets, the two queues and the alarm topic, by construct;
 * - functions.test.ts: the created secret is passed by ARN, an existing one by name.
 * Added here: the same rules checked generically over every resource of the template (so a
 * queue, bucket, topic or role added later is covered too), for the default stack and the
 * stack with every option set (auto-delete adds a CDK provider role and function), and that
 * no secret value reaches a function environment, the state machine or the template.
 */

const ALL_OPTIONS = { autoDeleteObjects: true, credentialsSecretName: 'fleetpdf/portal', alarmEmail: 'ops@example.com' };

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every identity-policy statement of the template: AWS::IAM::Policy, ManagedPolicy, and inline role policies. */
function identityStatements(json: Synthesized['json']): Array<{ where: string; statement: Statement }> {
  const out: Array<{ where: string; statement: Statement }> = [];
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, props] of resourcesOfType(json, type)) {
      for (const statement of props.PolicyDocument.Statement as Statement[]) out.push({ where: id, statement });
    }
  }
  for (const [id, props] of resourcesOfType(json, 'AWS::IAM::Role')) {
    for (const policy of props.Policies ?? []) {
      for (const statement of policy.PolicyDocument.Statement as Statement[]) out.push({ where: `${id}/${policy.PolicyName}`, statement });
    }
  }
  return out;
}

const variants: Array<[string, Record<string, unknown>]> = [
  ['default stack', {}],
  ['stack with every option', ALL_OPTIONS],
];

describe.each(variants)('%s', (_name, context) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthStack(context);
  });
  afterAll(removeSynthDirs);

  it('grants Resource "*" only for actions that have no resource-level permissions', () => {
    const offending = identityStatements(s.json)
      .filter(({ statement }) => statement.Effect === 'Allow' && list(statement.Resource).includes('*'))
      .flatMap(({ where, statement }) => list(statement.Action).filter((a) => !STAR_ONLY_ACTIONS.has(a)).map((a) => `${where}: ${a}`));
    expect(offending).toEqual([]);
  });

  it("names only the stack's own resources (or the given secret by name) in every other Allow", () => {
    const own = new Set(Object.keys(s.json.Resources));
    const secretName = (context as { credentialsSecretName?: string }).credentialsSecretName;
    const offending: string[] = [];
    for (const { where, statement } of identityStatements(s.json)) {
      if (statement.Effect !== 'Allow') continue;
      for (const resource of list(statement.Resource)) {
        if (resource === '*') continue;
        const text = JSON.stringify(resource);
        if (secretName && text.includes(`:secret:${secretName}-`)) continue;
        const ids = [...referencedIds(resource)].filter((id) => !id.startsWith('AWS::'));
        if (ids.length === 0 || ids.some((id) => !own.has(id))) offending.push(`${where}: ${text}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('attaches no managed policy except AWSLambdaBasicExecutionRole (the CDK auto-delete provider)', () => {
    const arns = resourcesOfType(s.json, 'AWS::IAM::Role').flatMap(([, props]) => list(props.ManagedPolicyArns).map((a) => JSON.stringify(a)));
    for (const arn of arns) expect(arn).toMatch(/:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole"/);
  });

  it.each([
    ['AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'Queues'],
    ['AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'Bucket'],
    ['AWS::SNS::Topic', 'AWS::SNS::TopicPolicy', 'Topics'],
  ])('every %s has a resource policy denying aws:SecureTransport=false for everyone', (type, policyType, targetKey) => {
    const resources = resourcesOfType(s.json, type).map(([id]) => id);
    expect(resources.length).toBeGreaterThan(0);
    const missing = resources.filter((id) =>
      !resourcesOfType(s.json, policyType).some(([, props]) => {
        if (!referencedIds(props[targetKey]).has(id)) return false;
        return (props.PolicyDocument.Statement as Statement[]).some(
          (st) =>
            st.Effect === 'Deny' &&
            JSON.stringify(st.Principal).includes('"*"') &&
            String(st.Condition?.Bool?.['aws:SecureTransport']) === 'false' &&
            referencedIds(st.Resource).has(id),
        );
      }),
    );
    expect(missing).toEqual([]);
  });

  it('puts no secret value in any function environment', () => {
    const secretLikeName = /pass|secret|token|cookie|credential|api_?key|private/i;
    const tokenLike = /^[A-Za-z0-9+/_=-]{24,}$/;
    const offending: string[] = [];
    for (const [id, props] of resourcesOfType(s.json, 'AWS::Lambda::Function')) {
      for (const [name, value] of Object.entries((props.Environment?.Variables ?? {}) as Record<string, unknown>)) {
        if (typeof value !== 'string') {
          // A reference to a resource of the stack (Ref / GetAtt), never a dynamic secret resolution.
          if (JSON.stringify(value).includes('resolve:secretsmanager')) offending.push(`${id} ${name}: resolves a secret`);
          continue;
        }
        if (secretLikeName.test(name) && name !== 'CREDENTIALS_SECRET') offending.push(`${id} ${name}: secret-like name with a literal value`);
        if (tokenLike.test(value)) offending.push(`${id} ${name}: token-like value`);
        if (/:\/\/[^/@\s]*@/.test(value)) offending.push(`${id} ${name}: URL with user info`);
        if (/password|demo-pass/i.test(value)) offending.push(`${id} ${name}: mentions a password`);
      }
      if (props.Environment?.Variables?.CREDENTIALS_SECRET !== undefined) {
        // The secret is named (or referenced), never inlined: a name has no JSON, no quotes.
        expect(JSON.stringify(props.Environment.Variables.CREDENTIALS_SECRET)).not.toMatch(/username|password|\{\\"/);
      }
    }
    expect(offending).toEqual([]);
  });

  it('has no literal secret anywhere in the template (the created secret is generated, never given)', () => {
    for (const [, props] of resourcesOfType(s.json, 'AWS::SecretsManager::Secret')) {
      expect(props.SecretString).toBeUndefined();
      expect(props.GenerateSecretString).toBeDefined();
    }
    const text = JSON.stringify(s.json);
    expect(text).not.toContain('demo-pass');
    expect(text).not.toMatch(/resolve:secretsmanager/);
    expect(text).not.toMatch(/PORTAL_PASS|dv_session/);
  });
});

describe('stack options', () => {
  afterAll(removeSynthDirs);

  it('refuses a portal URL with credentials in it (it would land in every function environment)', () => {
    let s: Synthesized | undefined;
    try {
      s = synthStack({ portalUrl: 'https://demo:s3cret-pw@portal.example.com' });
    } catch (error) {
      expect(String(error)).toMatch(/portalUrl/);
      expect(String(error)).not.toContain('s3cret-pw');
      return;
    }
    expect(JSON.stringify(s.json)).not.toContain('s3cret-pw');
  });
});
