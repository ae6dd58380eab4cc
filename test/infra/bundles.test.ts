import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionName, HandlerEntry } from '../../lib/contracts/index.js';
import {
  ESBUILD_MAIN_FIELDS,
  ESBUILD_TARGET,
  ESM_REQUIRE_BANNER,
  RUNTIME_PROVIDED_MODULES,
  projectRoot,
} from '../../lib/infra/worker-function.js';
import { type Synthesized, removeSynthDirs, synthStack, tempDir } from '../../harness/synth.js';

/**
 * Bundles each handler the way its WorkerFunction has CDK bundle it (esbuild, ESM, the same
 * banner and externals) and loads the bundle in a fresh Node.js process, beside a
 * node_modules that stands in for the runtime's AWS SDK and the npm-installed `nodeModules`.
 * A bundle that cannot even load (e.g. playwright-core bundled) fails here, not in Lambda.
 */

let s: Synthesized;
let dir: string;
beforeAll(() => {
  s = synthStack();
  dir = tempDir('fleetpdf-bundles-');
  symlinkSync(join(projectRoot(), 'node_modules'), join(dir, 'node_modules'), 'dir');
});
afterAll(removeSynthDirs);

async function bundle(entry: string, external: readonly string[], out: string): Promise<string> {
  const outfile = join(dir, out, 'index.mjs');
  await build({
    entryPoints: [join(projectRoot(), entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ESBUILD_TARGET,
    mainFields: [...ESBUILD_MAIN_FIELDS],
    banner: { js: ESM_REQUIRE_BANNER },
    external: [...RUNTIME_PROVIDED_MODULES, ...external],
    logLevel: 'silent',
  });
  return outfile;
}

/** Loads the bundle in a child process; returns its error output, or '' when `handler` is a function. */
function load(file: string): string {
  const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then((m) => { if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(2); } })`;
  try {
    execFileSync(process.execPath, ['-e', script], { cwd: dir, stdio: 'pipe', timeout: 30_000 });
    return '';
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  }
}

describe('handler bundles', () => {
  it.each(Object.values(FunctionName))('%s loads and exports handler when bundled as its function bundles it', async (name) => {
    const file = await bundle(HandlerEntry[name], s.stack.functions[name].nodeModules, name);
    expect(load(file)).toBe('');
  });

  it('would not load with playwright-core bundled (so the check above can fail)', async () => {
    // The handlers load the browser module lazily; bundled into it, playwright-core breaks at load.
    const file = await bundle('lib/browser/launch.ts', [], 'browser-all-bundled');
    expect(load(file)).toMatch(/Cannot find module|ERR_/);
  });
});
