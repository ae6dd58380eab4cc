import { classify, Disposition } from '../core/errors.js';
import type { RunPause, RunProgress, RunState } from '../contracts/index.js';
import type { CloudRuntime } from './runtime.js';

/**
 * The cloud circuit breaker's run-level half (the local run's is PauseGate). Downloaders open
 * the breaker (lib/cloud/handlers/downloader.ts); the state machine then:
 * - Progress: sees it open and switches the downloader's event source mapping off, so no
 *   more messages are received (`pausedProgress`);
 * - Cooldown + Resume: after `pauseSecs`, logs in again as a probe. Healthy: closes the
 *   breaker and switches the mapping on; still failing: waits again; after `maxPauses`
 *   probes, or at once when the cause is critical (the credentials), gives up and the
 *   execution ends in `Paused` with `paused: <reason>` (`resumeRun`);
 * - a new execution with the same `runId` resumes a run that gave up (`openRunForWork`).
 */

/* The run-level steps read the breaker fresh (openTrip(0)): only the downloaders' many reads are worth a cache. */

/** The mapping is one per stack: a run that starts or resumes must switch it on. */
export async function openRunForWork(rt: CloudRuntime, runId: string): Promise<void> {
  const breaker = rt.breaker(runId);
  if (await breaker.openTrip(0)) await breaker.close();
  await rt.aws.eventSource.setEnabled(true);
}

/** Progress's part: the open breaker's trip, with the mapping switched off; undefined while closed. */
export async function pausedProgress(rt: CloudRuntime, runId: string): Promise<RunProgress['paused']> {
  const trip = await rt.breaker(runId).openTrip(0);
  if (!trip) return undefined;
  await rt.aws.eventSource.setEnabled(false);
  return { reason: trip.reason, critical: trip.critical, since: trip.openedAt };
}

/** The Resume state: probe the portal with a login; resume, wait again, or give up. */
export async function resumeRun(rt: CloudRuntime, state: RunState): Promise<RunState> {
  const paused = state.progress?.paused;
  const breaker = rt.breaker(state.runId);
  const trip = await breaker.openTrip(0);
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
      await breaker.reopen(failure, true);
      return giveUp(`paused: ${failure.reason}: ${failure.message}`);
    }
    const pause: RunPause = { reason, probes, resumed: false, gaveUp: false };
    return { ...state, pause };
  }
  await openRunForWork(rt, state.runId);
  return resumed(state, reason, probes);
}

function resumed(state: RunState, reason: string, probes: number): RunState {
  const { paused: _paused, ...progress } = state.progress ?? ({} as RunProgress);
  return { ...state, progress: { ...progress, idlePolls: 0 } as RunProgress, pause: { reason, probes, resumed: true, gaveUp: false } };
}

function resumeHint(runId: string, why: string): string {
  return `${why}; fix the cause, then start an execution with {"runId": "${runId}"} to resume (DONE vehicles are kept)`;
}
