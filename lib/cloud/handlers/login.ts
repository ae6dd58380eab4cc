import { newRunId, type RunState } from '../../contracts/index.js';
import { openRunForWork, resumeRun } from '../pause-run.js';
import type { CloudRuntime } from '../runtime.js';
import { parseRunInput } from './run-input.js';

/**
 * First state of a run: check the input, log in once (single-flight with any downloader that
 * is refreshing at the same moment), make sure the downloads flow (a run given up as paused
 * resumes when started again with its runId) and hand the new session version on.
 * The Resume state calls the same function with the paused run's state: a login is the probe.
 */
export function loginHandler(rt: CloudRuntime): (event: unknown) => Promise<RunState> {
  return async (event) => {
    if (isPausedRun(event)) return resumeRun(rt, event);
    const input = parseRunInput(event);
    const stored = await rt.aws.sessionStore.get();
    // A new run: sessions of an earlier run that served nothing do not count against it (the storm guard).
    const fresh = await rt.session.refresh(stored?.version ?? 0, { newRun: true });
    const runId = input.runId ?? newRunId();
    await openRunForWork(rt, runId);
    return {
      runId,
      ...(input.refs ? { refs: input.refs } : {}),
      ...(input.limit ? { limit: input.limit } : {}),
      startedAt: Date.now(),
      login: { sessionVersion: fresh.version },
    };
  };
}

function isPausedRun(event: unknown): event is RunState {
  return typeof event === 'object' && event !== null && typeof (event as RunState).progress?.paused === 'object';
}
