import { afterEach, describe, expect, it } from 'vitest';
import { cloudFixture, listKeys } from '../../harness/cloud.js';
import { runOfflineCloud } from '../../harness/offline-cloud-run.js';
import { useEmulators } from '../emulators/aws-env.js';

useEmulators();

/**
 * The same session rules in the cloud, on the offline run: an ended session costs no attempt
 * (the vehicle is sent again, its receive count starts over), and a portal that ends every new
 * session at once stops the run (Paused, critical) after a handful of logins, shared by every
 * container through the session table.
 */
describe('cloud run against sessions that die often, offline', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('sessions lasting 10 requests: every vehicle DONE, none in the DLQ, far fewer logins than vehicles', async () => {
    env = await cloudFixture('sessions-expire', { vehicles: 30, faults: 'expire=10' }, { visibilityTimeoutSecs: 30 });
    const run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers });
    expect(run.failure).toBeUndefined();
    expect(run.final?.report).toMatchObject({ status: 'completed', succeeded: 30, failed: 0, inDlq: 0 });
    expect(await listKeys(env.resources, `runs/${run.final!.runId}/pdfs/`)).toHaveLength(30);
    const stats = env.portal.stats();
    expect(stats.sessionsEnded.expired).toBeGreaterThan(0);
    expect(stats.logins).toBeLessThan(30);
    const rows = await env.runtime.aws.tracker.list(run.final!.runId);
    // An ended session used no attempt: every vehicle was stored on its first counted one.
    expect(rows.map((r) => r.attempts)).toEqual(rows.map(() => 1));
  }, 240_000);

  it('a portal that ends every new session at once: the execution ends Paused after a handful of logins', async () => {
    env = await cloudFixture('sessions-storm', { vehicles: 20, faults: 'bounce=1' }, { visibilityTimeoutSecs: 30 });
    const run = await runOfflineCloud({ resources: env.resources, handlers: env.handlers });
    expect(run.failure?.error).toBe('Paused');
    expect(run.failure?.cause).toMatch(/^paused: session_storm: the portal ends every new session at once/);
    // The first login of the run, then at most maxFruitlessLogins - 1 refreshes.
    expect(env.portal.stats().logins).toBeLessThanOrEqual(5);
    const rows = await env.runtime.aws.tracker.list(run.final?.runId ?? (await runIds(env))[0]!);
    expect(rows.filter((r) => r.status === 'FAILED')).toEqual([]);
  }, 240_000);
});

async function runIds(env: Awaited<ReturnType<typeof cloudFixture>>): Promise<string[]> {
  const keys = await listKeys(env.resources, 'runs/');
  return [...new Set(keys.map((k) => k.split('/')[1]!))];
}
