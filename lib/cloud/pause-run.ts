import { classify, Disposition } from '../core/errors.js';
import type { RunPause, RunState } from './contracts.js';
import type { CloudRuntime } from './runtime.js';

/**
 * The cloud circuit breaker's run-level half. Downloaders open the breaker (lib/cloud/
 * download-vehicle.ts); the state machine then:
 * - Progress: sees it open and switches the downloader's event source mapping off, so no
 *   more messages are received (`pausedProgress`);
 * - Cooldown + Resume: after `pauseSecs`, logs in again as a probe. Healthy: closes the
 *   breaker and switches the mapping on; still failing: waits again; after `maxPauses`
 *   probes, or at once when the cause is critical (the credentials), gives up and the
 *   execution ends in `Paused` with `paused: <reason>` (`resumeRun`);
 * - a new execution with the same `runId` resumes a run that gave up (`openRunForWork`).
 */

/** The mapping is one per stack: a run that starts or resumes must switch it on. */
export async function openRunForWork(rt: CloudRuntime, runId: string): Promise<void> {
  if (await rt.aws.breaker.state(runId)) await rt.aws.breaker.reset(runId);
  await rt.aws.eventSource.setEnabled(true);
}

/** Progress's part: the open breaker's trip, with the mapping switched off; undefined while closed. */
export async function pausedProgress(rt: CloudRuntime, runId: string): Promise<NonNullable<RunState['progress']>['paused']> {
  const trip = await rt.aws.breaker.state(runId);
  if (!trip) return undefined;
  await rt.aws.eventSource.setEnabled(false);
  return { reason: trip.reason, critical: trip.critical, since: trip.openedAt };
}

/** The Resume state: probe the portal with a login; resume, wait again, or give up. */
export async function resumeRun(rt: CloudRuntime, state: RunState): Promise<RunState> {
  const paused = state.progress?.paused;
  const trip = await rt.aws.breaker.state(state.runId);
  const reason = trip?.reason ?? paused?.reason ?? 'unknown';
  // Probes count per pause: a pause that ended in a resume starts the count over.
  const probes = (state.pause && !state.pause.resumed ? state.pause.probes : 0) + 1;
  const giveUp = (why: string): RunState => ({
    ...state,
    pause: { reason, probes, resumed: false, gaveUp: true, cause: resumeHint(state.runId, why) },
  });
  if (!trip) return resumed(state, reason, probes); // closed meanwhile (a restart of the same run)
  if (trip.critical) return giveUp(`paused: ${reason}`);
  if (probes > rt.settings.maxPauses) return giveUp(`paused: ${reason} (the portal still failed after ${rt.settings.maxPauses} resume probes)`);
  try {
    const stored = await rt.aws.sessionStore.get();
    await rt.session.refresh(stored?.version ?? 0);
  } catch (error) {
    const failure = classify(error);
    if (failure.disposition === Disposition.STOP) {
      await rt.aws.breaker.reset(state.runId);
      await rt.aws.breaker.trip(state.runId, { reason: `${failure.reason}: ${failure.message}`, critical: true, openedAt: Date.now() });
      return giveUp(`paused: ${failure.reason}: ${failure.message}`);
    }
    const pause: RunPause = { reason, probes, resumed: false, gaveUp: false };
    return { ...state, pause };
  }
  await openRunForWork(rt, state.runId);
  return resumed(state, reason, probes);
}

function resumed(state: RunState, reason: string, probes: number): RunState {
  const { paused: _paused, ...progress } = state.progress ?? ({} as NonNullable<RunState['progress']>);
  return { ...state, progress: { ...progress, idlePolls: 0 } as NonNullable<RunState['progress']>, pause: { reason, probes, resumed: true, gaveUp: false } };
}

function resumeHint(runId: string, why: string): string {
  return `${why}; fix the cause, then start an execution with {"runId": "${runId}"} to resume (DONE vehicles are kept)`;
}
