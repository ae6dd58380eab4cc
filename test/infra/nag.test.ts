import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { type Synthesized, removeSynthDirs, synthStack, tempDir } from '../../harness/synth.js';

afterAll(removeSynthDirs);

const ALL_OPTIONS = { autoDeleteObjects: true, credentialsSecretName: 'fleetpdf/portal', alarmEmail: 'ops@example.com' };

/** cdk-nag's findings as `rule @ construct path` lines. */
function findings(scope: IConstruct, options: { ignoreAcknowledgments?: boolean } = {}): string[] {
  const pack = new AwsSolutionsChecks();
  if (options.ignoreAcknowledgments) (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  const report = pack.validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} @ ${r.constructPath}`),
  );
}

/** Every acknowledgment in the tree: rule id -> reasons. */
function acknowledgments(scope: IConstruct): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
        const id = key.replace(/^annotation::/i, '');
        found.set(id, [...(found.get(id) ?? []), reason]);
      }
    }
  }
  return found;
}

/** The acknowledgments the stack is expected to carry (a new one must be added here on purpose). */
function expectedAcknowledgments(s: Synthesized, createdSecret: boolean): string[] {
  const fn = (name: 'Login' | 'Enqueue' | 'Progress' | 'Report') => s.idOf(s.stack.functions[name].function);
  return [
    'AwsSolutions-IAM5[Resource::*]',
    'AwsSolutions-L1',
    `AwsSolutions-IAM5[Resource::<${s.idOf(s.stack.bucket.bucket)}.Arn>/runs/*]`,
    ...(['Login', 'Enqueue', 'Progress', 'Report'] as const).map((n) => `AwsSolutions-IAM5[Resource::<${fn(n)}.Arn>:*]`),
    ...(createdSecret ? ['AwsSolutions-SMG4'] : []),
  ].sort();
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the default stack', () => {
    expect(findings(synthStack().app)).toEqual([]);
  });

  it('finds nothing unacknowledged with every option set (existing secret, auto-delete, alarm e-mail)', () => {
    expect(findings(synthStack(ALL_OPTIONS).app)).toEqual([]);
  });

  it('passes the synth-time validation the app runs (validation report without violations)', () => {
    const s = synthStack({}, { cfnValidation: true });
    // The same registration as bin/app.ts; synth({ force }) runs the plugins and writes the report.
    Validations.of(s.app).addPlugins(new AwsSolutionsChecks(s.app));
    const assembly = s.app.synth({ force: true });
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName?: string; violations?: unknown[] }[];
    };
    const violations = report.pluginReports.flatMap((r) => r.violations ?? []);
    expect(violations).toEqual([]);
  });

  it('does fail a synth with an unacknowledged finding (so the check above can fail)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, outdir: tempDir('fleetpdf-cdk-out-') });
    new Bucket(new Stack(app, 'Bad'), 'Unlogged');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('acknowledges exactly the expected findings', () => {
    const s = synthStack();
    expect([...acknowledgments(s.app).keys()].sort()).toEqual(expectedAcknowledgments(s, true));
  });

  it('gives every acknowledgment a specific reason', () => {
    for (const [id, reasons] of acknowledgments(synthStack(ALL_OPTIONS).app)) {
      for (const reason of reasons) expect(reason.length, id).toBeGreaterThan(60);
    }
  });

  it('acknowledges only findings that exist (no stale suppressions)', () => {
    const s = synthStack();
    const raw = new Set(findings(s.app, { ignoreAcknowledgments: true }).map((line) => line.split(' ')[1]));
    for (const id of acknowledgments(s.app).keys()) expect(raw.has(id), id).toBe(true);
  });
});
