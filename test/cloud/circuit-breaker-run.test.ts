import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudFixture, getObject, listKeys } from '../../harness/cloud.js';
import { runOfflineCloud } from '../../harness/offline-cloud-run.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

useEmulators();

/**
 * The cloud half of the reliability promise, on the offline run (synthesized state machine,
 * real handlers, emulated AWS, the Lambda mapping stand-in): the circuit breaker pauses and
 * resumes a run, wrong credentials stop it before any ref is consumed, and a message
 * delivered twice still gives one object and one DONE per ref.
 */
describe('cloud circuit breaker and at-least-once delivery, offline', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('a portal that goes down mid-run pauses the run (downloads switched off), then it resumes and completes', async () => {
    env = await cloudFixture('breaker-down', { vehicles: 50 });
    const fixture = env;
    const tracker = env.runtime.aws.tracker;
    let downAt = -1;
    // Mid-run: once 10 vehicles are DONE, the portal answers 503 to everything for 6 s.
    const watcher = setInterval(() => {
      if (downAt >= 0) return;
      void (async () => {
        const runs = await listRunIds(fixture);
        for (const runId of runs) {
          if (downAt < 0 && (await tracker.counts(runId)).DONE >= 10) {
            downAt = Date.now();
            fixture.portal.setFaults('down=6');
          }
        }
      })().catch(() => undefined);
    }, 200);
    const run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers }).finally(() => clearInterval(watcher));

    expect(downAt).toBeGreaterThan(0);
    expect(run.failure).toBeUndefined();
    expect(run.states).toContain('Cooldown');
    expect(run.states).toContain('Resume');
    expect(run.source.pausedPolls).toBeGreaterThan(0); // the mapping really was off for a while
    const final = run.final!;
    expect(final.pause).toMatchObject({ resumed: true, gaveUp: false });
    // A 503 page is http_503; a 503 answer to the PDF download reaches us as a cancelled download.
    expect(final.pause?.reason).toMatch(/http_503|download_failed/);
    expect(final.report).toMatchObject({ status: 'completed', succeeded: 50, failed: 0, inDlq: 0 });
    expect(await listKeys(env.resources, `runs/${final.runId}/pdfs/`)).toHaveLength(50);
    expect((await env.runtime.aws.breaker.state(final.runId))).toBeUndefined();
  }, 240_000);

  it('wrong credentials fail the run at Login: one login attempt, a clear error, zero refs consumed', async () => {
    env = await cloudFixture('breaker-creds', { vehicles: 10 }, { secretValue: { username: 'demo', password: 'wrong' } });
    const run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers });
    expect(run.failure?.error).toBe('LoginRejectedError');
    expect(run.failure?.cause).toMatch(/rejected the credentials/);
    expect(run.failure?.cause).not.toContain('wrong');
    expect(run.states).toEqual(['Login', 'Failed']);
    expect(env.portal.stats().failedLogins).toBe(1);
    expect(env.portal.stats().logins).toBe(0);
    const left = await env.resources.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: env.resources.queueUrl, WaitTimeSeconds: 0 }));
    expect(left.Messages ?? []).toEqual([]);
    expect(run.source.invocations).toBe(0);
  }, 120_000);

  it('every SQS message delivered twice: one S3 object and one DONE per ref, none FAILED', async () => {
    env = await cloudFixture('twice', { vehicles: 30 });
    const run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers, deliverTwice: true });
    const final = run.final!;
    expect(run.source.duplicateDeliveries).toBeGreaterThanOrEqual(30);
    expect(final.report).toMatchObject({ status: 'completed', succeeded: 30, failed: 0, inDlq: 0 });
    const keys = await listKeys(env.resources, `runs/${final.runId}/`);
    const pdfs = keys.filter((k) => k.includes('/pdfs/'));
    expect(pdfs.sort()).toEqual(env.portal.inventory.map((v) => `runs/${final.runId}/pdfs/${v.ref}.pdf`).sort());
    for (const vehicle of env.portal.inventory) {
      const pdf = await getObject(env.resources, `runs/${final.runId}/pdfs/${vehicle.ref}.pdf`);
      await expect(verifier.verify(pdf, vehicle)).resolves.toHaveProperty('sha256');
    }
    const rows = await env.runtime.aws.tracker.list(final.runId);
    expect(rows.filter((r) => r.status === 'DONE')).toHaveLength(30);
  }, 240_000);
});

async function listRunIds(env: Awaited<ReturnType<typeof cloudFixture>>): Promise<string[]> {
  const keys = await listKeys(env.resources, 'runs/');
  return [...new Set(keys.map((k) => k.split('/')[1]!))];
}
