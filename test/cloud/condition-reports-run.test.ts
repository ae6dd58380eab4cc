import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudFixture, getObject, listKeys } from '../../harness/cloud.js';
import { runOfflineCloud } from '../../harness/offline-cloud-run.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

useEmulators();

describe('the condition-reports profile in the offline cloud run (PROFILE=condition-reports)', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  beforeAll(async () => {
    // The secret carries the demo user's "totp"; sessions die after 25 requests (22 after the sign-in: 5 reports of 4 requests).
    env = await cloudFixture('cr-run', { site: 'condition-reports', vehicles: 30, faults: 'expire=25' }, { visibilityTimeoutSecs: 30 });
  });
  afterAll(async () => env?.close());

  // Every vehicle DONE includes the slash and space refs (positions 7 and 19), stored under the refs branch's file names.
  it('signs in with a TOTP code from the secret, fetches every report over direct HTTP, and stores them verified', async () => {
    expect(env.env.PROFILE).toBe('condition-reports');
    // 4 downloaders at once: 16 requests in flight fit in one session. At the default 10 (40 requests) every session
    // ends before any report is done, and the storm guard pauses the run: the cloud has no adaptive concurrency.
    const run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers, context: { downloaderConcurrency: 4 } });
    expect(run.failure).toBeUndefined();
    const final = run.final!;
    expect(final.enqueue).toMatchObject({ total: 30, enqueued: 30, skipped: 0 });
    expect(final.report).toMatchObject({ status: 'completed', succeeded: 30, failed: 0, inDlq: 0 });
    expect(await listKeys(env.resources, `runs/${final.runId}/pdfs/`)).toHaveLength(30);
    for (const vehicle of env.portal.inventory.filter((v) => /^(CR|cr)-\d+$/.test(v.ref))) {
      const pdf = await getObject(env.resources, `runs/${final.runId}/pdfs/${vehicle.ref}.pdf`);
      await expect(verifier.verify(pdf, vehicle), vehicle.ref).resolves.toHaveProperty('sha256');
    }
    const stats = env.portal.stats();
    expect(stats.logins).toBeGreaterThan(1);
    expect(stats.sessionsEnded.replaced).toBe(0);
    expect(stats.pdfRequests).toBeGreaterThanOrEqual(30);
  }, 240_000);
});
