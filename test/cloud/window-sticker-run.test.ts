import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { isValidVin } from '../../lib/demo-portal/index.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudFixture, getObject, listKeys } from '../../harness/cloud.js';
import { runOfflineCloud } from '../../harness/offline-cloud-run.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

useEmulators();

describe('the window-sticker profile in the offline cloud run (PROFILE=window-sticker)', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  beforeAll(async () => {
    env = await cloudFixture('ws-run', { site: 'window-sticker', vehicles: 20 }, { visibilityTimeoutSecs: 30 });
  });
  afterAll(async () => env?.close());

  it('stores a verified sticker for every valid vehicle and reports the broken VINs as SKIPPED', async () => {
    expect(env.env.PROFILE).toBe('window-sticker');
    const valid = env.portal.inventory.filter((v) => isValidVin(v.vin));
    const broken = env.portal.inventory.filter((v) => !isValidVin(v.vin));
    expect(broken).toHaveLength(2);

    const run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers });
    expect(run.failure).toBeUndefined();
    const final = run.final!;
    expect(final.enqueue).toMatchObject({ total: 20, enqueued: 18, skipped: 2 });
    expect(final.report).toMatchObject({ status: 'completed', succeeded: 18, failed: 0, inDlq: 0 });

    expect(await listKeys(env.resources, `runs/${final.runId}/pdfs/`)).toHaveLength(18);
    for (const vehicle of valid) {
      const pdf = await getObject(env.resources, `runs/${final.runId}/pdfs/${vehicle.ref}.pdf`);
      await expect(verifier.verify(pdf, vehicle), vehicle.ref).resolves.toHaveProperty('sha256');
    }
    const stored = JSON.parse((await getObject(env.resources, final.report!.reportKey)).toString('utf8'));
    expect(stored).toMatchObject({ profile: 'window-sticker', total_inventory: 20, succeeded: 18, failed: 0, skipped: 2 });
    const manifest = (await getObject(env.resources, final.report!.manifestKey)).toString('utf8');
    for (const vehicle of broken) {
      expect(manifest).toMatch(new RegExp(`^${vehicle.ref},,SKIPPED,.*wrong VIN check digit: VIN ${vehicle.vin}`, 'm'));
    }
    expect(env.portal.stats().logins).toBe(1);
    expect(env.portal.stats().pdfRequests).toBe(18);
  }, 240_000);
});
