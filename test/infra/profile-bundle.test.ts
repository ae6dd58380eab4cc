import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionName, HandlerEntry } from '../../lib/contracts/index.js';
import { ESBUILD_MAIN_FIELDS, ESBUILD_TARGET, ESM_REQUIRE_BANNER, RUNTIME_PROVIDED_MODULES, projectRoot } from '../../lib/infra/worker-function.js';
import { type Synthesized, removeSynthDirs, synthStack, tempDir } from '../../harness/synth.js';
import { writeProfileFiles } from '../helpers/profile-files.js';

/**
 * `cdk deploy -c profile=<file>`: every function's entry is a generated one that carries the
 * user's file, the environment names it, and the bundle (built with the function's own esbuild
 * options) contains it and hands it to the runtime.
 */

let files: { ts: string; json: string };
let bundleDir: string;
beforeAll(() => {
  // A user's folder outside the project.
  files = writeProfileFiles(tempDir('fleetpdf-user-profile-'));
  bundleDir = tempDir('fleetpdf-profile-bundles-');
  symlinkSync(join(projectRoot(), 'node_modules'), join(bundleDir, 'node_modules'), 'dir');
});
afterAll(removeSynthDirs);

/** Bundles a function's entry with its bundling options, the way NodejsFunction runs esbuild. */
async function bundleFunction(s: Synthesized, name: FunctionName, out: string): Promise<string> {
  const fn = s.stack.functions[name];
  const alias: Record<string, string> = fn.profileBundle ? { fleetpdf: fn.profileBundle.esbuildArgs['--alias:fleetpdf']! } : {};
  const outfile = join(bundleDir, out, 'index.mjs');
  await build({
    entryPoints: [fn.profileBundle?.entry ?? join(projectRoot(), HandlerEntry[name])],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ESBUILD_TARGET,
    mainFields: [...ESBUILD_MAIN_FIELDS],
    banner: { js: ESM_REQUIRE_BANNER },
    external: [...RUNTIME_PROVIDED_MODULES, ...fn.nodeModules],
    alias,
    nodePaths: [join(projectRoot(), 'node_modules')],
    logLevel: 'silent',
  });
  return outfile;
}

/** Loads a bundle in a fresh process with `PROFILE=spec` and calls its handler once: what the runtime made of the profile. */
function invoke(file: string, spec: string): string {
  const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then((m) => m.handler({ runId: 'r1', startedAt: 0 })).then(() => console.log('ok'), (e) => console.log(e.message))`;
  return execFileSync(process.execPath, ['-e', script], {
    cwd: bundleDir,
    // No resources: the call gets past the settings (the profile) and stops at the first resource it needs.
    env: { PATH: process.env.PATH, PROFILE: spec, AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe.each([
  ['TypeScript', 'ts', 'acme-ts'],
  ['JSON', 'json', 'acme-json'],
] as const)('cdk -c profile=<%s file>', (_kind, key, name) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthStack({ profile: files[key] });
  });

  it('gives every function the profile file in its environment and a generated entry that imports it', () => {
    s.template.resourcePropertiesCountIs('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ PROFILE: files[key] }) } }, 5);
    for (const fnName of Object.values(FunctionName)) {
      const bundle = s.stack.functions[fnName].profileBundle!;
      expect(bundle.file).toBe(files[key]);
      const register = readFileSync(join(bundle.entry, '..', 'register-profile.ts'), 'utf8');
      expect(register).toContain(JSON.stringify(files[key]));
      expect(register).toContain(bundle.sha256);
      expect(readFileSync(bundle.entry, 'utf8')).toContain(HandlerEntry[fnName]);
    }
  });

  it('bundles the file into the function, and its runtime uses it', async () => {
    const file = await bundleFunction(s, FunctionName.PROGRESS, `progress-${key}`);
    const code = readFileSync(file, 'utf8');
    expect(code).toContain(name);
    expect(code).toContain(s.stack.functions.Progress.profileBundle!.sha256);
    // Past the profile: the settings resolved, then the missing table stopped it.
    const said = invoke(file, files[key]);
    expect(said).not.toMatch(/profile/);
    expect(said).toContain('TRACKING_TABLE is not set');
  });
});

describe('cdk with a shipped profile', () => {
  it('bundles the plain handler entries; a profile file the bundle lacks is named as such', async () => {
    const s = synthStack();
    for (const fnName of Object.values(FunctionName)) expect(s.stack.functions[fnName].profileBundle).toBeUndefined();
    const file = await bundleFunction(s, FunctionName.PROGRESS, 'progress-plain');
    expect(invoke(file, files.ts)).toContain(`profile file ${files.ts} was not loaded here`);
  });

  it('stops the synth with one line when the profile file is missing', () => {
    expect(() => synthStack({ profile: '/nowhere/acme.ts' })).toThrow(/bad CDK context value: profile: cannot read \/nowhere\/acme\.ts/);
  });
});
