import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App, CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import { HandlerEntry } from '../lib/contracts/index.js';
import { FleetPdfStack } from '../lib/infra/fleetpdf-stack.js';
import { optionsFromContext } from '../lib/infra/options.js';
import { projectRoot } from '../lib/infra/worker-function.js';

/**
 * Synthesizes the real stack for assertions with bundling skipped
 * (`aws:cdk:bundling-stacks: []`: tens of milliseconds instead of seconds), into a temp
 * folder that `removeSynthDirs()` deletes (call it in `afterAll`).
 */

const tempDirs: string[] = [];

/** A temp folder that `removeSynthDirs()` deletes. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** How many temp folders exist so far (for `removeSynthDirs(mark)`). */
export function synthDirsMark(): number {
  return tempDirs.length;
}

/** Deletes every cloud assembly and stub folder this module created (no parameters: `afterAll(removeSynthDirs)`). */
export function removeSynthDirs(): void {
  removeSynthDirsSince(0);
}

/** Deletes the temp folders created after `mark` (see `synthDirsMark()`). */
export function removeSynthDirsSince(mark: number): void {
  for (const dir of tempDirs.splice(mark)) rmSync(dir, { recursive: true, force: true });
}

let stubRoot: string | undefined;

/**
 * Where the handler entries live. NodejsFunction insists that its entry file exists even when
 * bundling is skipped; while `lambdas/*.ts` are not all written yet, a temp folder with empty
 * stand-ins (and a lock file) takes their place. Bundling is skipped, so their content never
 * matters to these tests.
 */
export function handlerRoot(): string {
  const root = projectRoot();
  if (Object.values(HandlerEntry).every((entry) => existsSync(join(root, entry)))) return root;
  if (stubRoot && existsSync(stubRoot)) return stubRoot;
  stubRoot = tempDir('fleetpdf-handler-stubs-');
  writeFileSync(join(stubRoot, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {}}\n');
  for (const entry of Object.values(HandlerEntry)) {
    const file = join(stubRoot, entry);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'export const handler = async (event: unknown) => event;\n');
  }
  return stubRoot;
}

export interface Synthesized {
  app: App;
  stack: FleetPdfStack;
  template: Template;
  /** The template as JSON. */
  json: TemplateJson;
  /** Logical id of a CloudFormation element. */
  logicalId(element: CfnElement): string;
  /** Logical id of an L2 construct's CloudFormation resource (its default child). */
  idOf(construct: IConstruct): string;
}

export interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; DependsOn?: string[] }>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

export interface SynthOptions {
  /**
   * Run aws-cdk-lib's built-in CloudFormation template validation during synth, as `cdk synth`
   * does. It costs ~2 s on a cold process, so only the tests about synth-time validation ask.
   * @default false
   */
  cfnValidation?: boolean;
}

/** A fresh app with `context` (plus bundling skipped) and the stack, synthesized. */
export function synthStack(context: Record<string, unknown> = {}, options: SynthOptions = {}): Synthesized {
  const app = new App({
    outdir: tempDir('fleetpdf-cdk-out-'),
    context: { 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: options.cfnValidation ?? false,
  });
  const { stackName } = optionsFromContext(app.node);
  const stack = new FleetPdfStack(app, stackName, { stackName, projectRoot: handlerRoot() });
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    json: template.toJSON() as TemplateJson,
    logicalId: (element) => stack.resolve(element.logicalId) as string,
    idOf: (construct) => {
      const child = construct.node.defaultChild;
      if (!child || !CfnElement.isCfnElement(child)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
      return stack.resolve(child.logicalId) as string;
    },
  };
}

/** `Fn::Join` with literal strings only, or a string: the string; anything else: undefined. */
export function joinedString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
  if (!join) return undefined;
  const parts = join[1].map((part) => (typeof part === 'string' ? part : undefined));
  return parts.every((p) => p !== undefined) ? parts.join(join[0]) : undefined;
}

/** Every logical id referenced (Ref / Fn::GetAtt) anywhere inside `value`. */
export function referencedIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, into);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) into.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string') into.add(inner[0]);
      else referencedIds(inner, into);
    }
  }
  return into;
}

/** Resources of one type, by logical id. */
export function resourcesOfType(json: TemplateJson, type: string): [string, Record<string, any>][] {
  return Object.entries(json.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}
