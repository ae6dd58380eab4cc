import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunState } from '../../lib/contracts/index.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudFixture } from '../../harness/cloud.js';

useEmulators();

/** The run-level half of the cloud breaker: Progress pauses, Resume (the Login function) probes. */
describe('pausing and resuming a cloud run (Progress, Resume, restart)', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  beforeAll(async () => {
    env = await cloudFixture('pause', { vehicles: 5 });
  });
  afterAll(async () => env?.close());
  beforeEach(() => env.portal.setFaults(''));

  const aws = () => env.runtime.aws;
  const trip = (runId: string, critical = false) =>
    aws().breaker.trip(runId, { reason: critical ? 'login_rejected: the portal rejected the credentials' : 'http_503: portal answered 503', critical, openedAt: Date.now() });
  const pausedState = async (runId: string): Promise<RunState> => {
    const started = await env.handlers.login({ runId });
    await trip(runId);
    return env.handlers.progress(started);
  };

  it('Progress reports the open breaker as paused and switches the downloads off', async () => {
    const state = await pausedState('run-p');
    expect(state.progress?.paused).toMatchObject({ reason: 'http_503: portal answered 503', critical: false });
    expect(state.progress?.idlePolls).toBe(0);
    expect(await aws().eventSource.isEnabled()).toBe(false);
  });

  it('Resume with the portal healthy closes the breaker and switches the downloads on', async () => {
    const state = await pausedState('run-r');
    const resumed = await env.handlers.login(state);
    expect(resumed.pause).toEqual({ reason: 'http_503: portal answered 503', probes: 1, resumed: true, gaveUp: false });
    expect(resumed.progress?.paused).toBeUndefined();
    expect(await aws().breaker.state('run-r')).toBeUndefined();
    await expect.poll(() => aws().eventSource.isEnabled()).toBe(true);
  });

  it('Resume with the portal still down stays paused and counts the probe; it gives up after MAX_PAUSES', async () => {
    let state = await pausedState('run-d');
    env.portal.setFaults('down=60');
    state = await env.handlers.login(state);
    expect(state.pause).toMatchObject({ probes: 1, resumed: false, gaveUp: false });
    expect(await aws().breaker.state('run-d')).toBeDefined();
    state = await env.handlers.login({ ...state, pause: { ...state.pause!, probes: 20 } });
    expect(state.pause).toMatchObject({ probes: 21, resumed: false, gaveUp: true });
    expect(state.pause?.cause).toMatch(/^paused: http_503: portal answered 503 \(the portal still failed after 20 resume probes\); .*\{"runId": "run-d"\}/);
  });

  it('Resume gives up at once on a critical cause; a new execution with the runId resumes the run', async () => {
    const started = await env.handlers.login({ runId: 'run-c' });
    await trip('run-c', true);
    const paused = await env.handlers.progress(started);
    const gaveUp = await env.handlers.login(paused);
    expect(gaveUp.pause).toMatchObject({ probes: 1, gaveUp: true });
    expect(gaveUp.pause?.cause).toMatch(/^paused: login_rejected: the portal rejected the credentials; fix the cause, then start an execution with \{"runId": "run-c"\}/);
    expect(await aws().eventSource.isEnabled()).toBe(false);

    const restarted = await env.handlers.login({ runId: 'run-c' });
    expect(restarted.runId).toBe('run-c');
    expect(await aws().breaker.state('run-c')).toBeUndefined();
    await expect.poll(() => aws().eventSource.isEnabled()).toBe(true);
  });
});
