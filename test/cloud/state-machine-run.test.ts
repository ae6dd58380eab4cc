import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudFixture, getObject, listKeys } from '../../harness/cloud.js';
import { runOfflineCloud } from '../../harness/offline-cloud-run.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

useEmulators();

describe('the whole cloud run offline: synthesized state machine, real handlers, emulated AWS', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  beforeAll(async () => {
    env = await cloudFixture('offline-run', { vehicles: 100 }, { visibilityTimeoutSecs: 30 });
  });
  afterAll(async () => env?.close());

  it('a 100-vehicle run from input {} ends with 100 verified PDFs in the bucket and a report', async () => {
    const run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers });
    const final = run.final!;
    expect(run.failure).toBeUndefined();
    expect(final.report).toMatchObject({ status: 'completed', succeeded: 100, failed: 0, inDlq: 0 });
    expect(final.progress?.done).toBe(true);
    expect(run.states).not.toContain('Cooldown');

    const pdfKeys = await listKeys(env.resources, `runs/${final.runId}/pdfs/`);
    expect(pdfKeys).toHaveLength(100);
    for (const vehicle of env.portal.inventory) {
      const pdf = await getObject(env.resources, `runs/${final.runId}/pdfs/${vehicle.ref}.pdf`);
      await expect(verifier.verify(pdf, vehicle)).resolves.toHaveProperty('sha256');
    }
    const stored = JSON.parse((await getObject(env.resources, final.report!.reportKey)).toString('utf8'));
    expect(stored).toMatchObject({ runId: final.runId, total_inventory: 100, succeeded: 100, failed: 0 });
    const manifest = (await getObject(env.resources, final.report!.manifestKey)).toString('utf8').trim().split('\n');
    expect(manifest).toHaveLength(101);
    expect(run.source.peakConcurrency).toBeLessThanOrEqual(run.concurrency);
    expect(env.portal.stats().logins).toBe(1);
  }, 240_000);
});
