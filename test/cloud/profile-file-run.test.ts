import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal } from '../../lib/demo-portal/index.js';
import { cloudFixture, getObject, listKeys } from '../../harness/cloud.js';
import { runOfflineCloud } from '../../harness/offline-cloud-run.js';
import { useEmulators } from '../emulators/aws-env.js';
import { tempDir } from '../helpers/fixtures.js';
import { TS_PROFILE, writeProfileFiles } from '../helpers/profile-files.js';

useEmulators();

/**
 * A user's profile file (outside the project) in the offline cloud run, as `cdk deploy -c
 * profile=<file>` gives it to the functions: PROFILE names the file. Its own validate hook
 * skips one vehicle, so the run shows it used the file and not the shipped dealer-values.
 */
describe('a profile file in the offline cloud run (PROFILE=/path/acme.ts)', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  let skippedRef: string;
  beforeAll(async () => {
    dir = tempDir('fleetpdf-cloud-profile-');
    writeProfileFiles(dir.path);
    file = join(dir.path, 'cloud-acme.ts');
    // The demo inventory is seeded, so a probe portal knows the fixture's refs before the file is written.
    const probe = await startDemoPortal({ vehicles: 8 });
    skippedRef = probe.inventory[2]!.ref;
    await probe.close();
    writeFileSync(file, TS_PROFILE.replace("vehicle.ref.startsWith('NOPE')", `vehicle.ref === ${JSON.stringify(skippedRef)}`));
    env = await cloudFixture('profile-file', { vehicles: 8 }, { visibilityTimeoutSecs: 30 }, { PROFILE: file });
  });
  afterAll(async () => {
    await env?.close();
    dir?.cleanup();
  });

  it('runs with the file: its name, its hook and its sha256 in the report', async () => {
    expect(env.runtime.settings.portalProfile.name).toBe('acme-ts');
    const run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers });
    expect(run.failure).toBeUndefined();
    const final = run.final!;
    expect(final.enqueue).toMatchObject({ total: 8, enqueued: 7, skipped: 1 });
    expect(final.report).toMatchObject({ status: 'completed', succeeded: 7, failed: 0 });
    expect(await listKeys(env.resources, `runs/${final.runId}/pdfs/`)).toHaveLength(7);
    const report = JSON.parse((await getObject(env.resources, final.report!.reportKey)).toString('utf8'));
    expect(report).toMatchObject({
      profile: 'acme-ts',
      profile_source: { file, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      skipped_refs: [{ ref: skippedRef, reason: expect.stringContaining('not for this test') }],
    });
  }, 240_000);
});
