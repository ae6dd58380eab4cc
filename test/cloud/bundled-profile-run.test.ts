import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudHandlers } from '../../lib/cloud/handlers/index.js';
import { FunctionName } from '../../lib/contracts/index.js';
import { startDemoPortal } from '../../lib/demo-portal/index.js';
import {
  ESBUILD_MAIN_FIELDS,
  ESBUILD_TARGET,
  ESM_REQUIRE_BANNER,
  PDF_WORKER_BUNDLE,
  PDF_WORKER_ENTRY,
  RUNTIME_PROVIDED_MODULES,
  projectRoot,
} from '../../lib/infra/worker-function.js';
import { cloudFixture, getObject } from '../../harness/cloud.js';
import { runOfflineCloud } from '../../harness/offline-cloud-run.js';
import { removeSynthDirs, synthStack, tempDir } from '../../harness/synth.js';
import { useEmulators } from '../emulators/aws-env.js';
import { TS_PROFILE, writeProfileFiles } from '../helpers/profile-files.js';

useEmulators();

/**
 * `cdk deploy -c profile=<file>` end to end, offline: the five functions bundled from the entries
 * the stack generated (with each function's esbuild options), loaded as Lambda loads them (plain
 * Node, not the test's module graph), and driven by the synthesized state machine. The only
 * copy of the profile these handlers have is the one inside their bundles.
 */
describe('an offline cloud run of the functions bundled with a profile file', () => {
  let fixture: Awaited<ReturnType<typeof cloudFixture>>;
  let file: string;
  let skippedRef: string;
  let handlers: CloudHandlers;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    const userDir = tempDir('fleetpdf-bundled-user-');
    writeProfileFiles(userDir);
    const probe = await startDemoPortal({ vehicles: 6 });
    skippedRef = probe.inventory[1]!.ref;
    await probe.close();
    file = join(userDir, 'bundled-acme.ts');
    writeFileSync(file, TS_PROFILE.replace("vehicle.ref.startsWith('NOPE')", `vehicle.ref === ${JSON.stringify(skippedRef)}`));

    const s = synthStack({ profile: file });
    // Under a node_modules folder, so vitest leaves the bundles to Node; beside them the packages Lambda has.
    const modules = join(tempDir('fleetpdf-bundled-fns-'), 'node_modules');
    mkdirSync(join(modules, '@sparticuz'), { recursive: true });
    for (const pkg of ['@aws-sdk', 'playwright-core', '@sparticuz/chromium']) {
      symlinkSync(join(projectRoot(), 'node_modules', pkg), join(modules, pkg), 'dir');
    }
    const bundled: Partial<Record<FunctionName, string>> = {};
    for (const name of Object.values(FunctionName)) {
      const fn = s.stack.functions[name];
      const outdir = join(modules, '.fleetpdf-bundles', name);
      const common: BuildOptions = {
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: ESBUILD_TARGET,
        mainFields: [...ESBUILD_MAIN_FIELDS],
        banner: { js: ESM_REQUIRE_BANNER },
        logLevel: 'silent',
      };
      await build({
        ...common,
        entryPoints: [fn.profileBundle!.entry],
        outfile: join(outdir, 'index.mjs'),
        external: [...RUNTIME_PROVIDED_MODULES, ...fn.nodeModules],
        alias: { fleetpdf: fn.profileBundle!.esbuildArgs['--alias:fleetpdf']! },
        nodePaths: [join(projectRoot(), 'node_modules')],
      });
      if (fn.pdfVerifier) {
        await build({ ...common, entryPoints: [join(projectRoot(), PDF_WORKER_ENTRY)], outfile: join(outdir, PDF_WORKER_BUNDLE), external: [...RUNTIME_PROVIDED_MODULES] });
      }
      bundled[name] = join(outdir, 'index.mjs');
    }

    fixture = await cloudFixture('bundled-profile', { vehicles: 6 }, { visibilityTimeoutSecs: 30 }, { PROFILE: file });
    // The functions' environment, as the stack sets it; each bundle makes its runtime from process.env.
    Object.assign(process.env, fixture.env);
    const load = async (name: FunctionName) =>
      ((await import(/* @vite-ignore */ pathToFileURL(bundled[name]!).href)) as { handler: never }).handler;
    handlers = {
      login: await load(FunctionName.LOGIN),
      enqueue: await load(FunctionName.ENQUEUE),
      downloader: await load(FunctionName.DOWNLOADER),
      progress: await load(FunctionName.PROGRESS),
      report: await load(FunctionName.REPORT),
    };
  }, 240_000);

  afterAll(async () => {
    process.env = savedEnv;
    await fixture?.close();
    removeSynthDirs();
  });

  it('runs with the bundled file: its name, its hook and its sha256 in the report', async () => {
    const run = await runOfflineCloud({ resources: fixture.resources, handlers });
    expect(run.failure).toBeUndefined();
    const final = run.final!;
    expect(final.enqueue).toMatchObject({ total: 6, enqueued: 5, skipped: 1 });
    expect(final.report).toMatchObject({ status: 'completed', succeeded: 5, failed: 0 });
    const report = JSON.parse((await getObject(fixture.resources, final.report!.reportKey)).toString('utf8'));
    expect(report).toMatchObject({
      profile: 'acme-ts',
      profile_source: { file, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      skipped_refs: [{ ref: skippedRef, reason: expect.stringContaining('not for this test') }],
    });
    expect(fixture.portal.stats().pdfRequests).toBe(5);
  }, 240_000);
});
