import type { RunState } from '../lib/cloud/contracts.js';
import { newRunId, parseRunInput } from '../lib/cloud/run-input.js';
import { cloudRuntime } from '../lib/cloud/runtime.js';

/**
 * First state of a run: check the input, log in once (single-flight with any downloader that
 * is refreshing at the same moment) and hand the new session version on.
 */
export const handler = async (event: unknown): Promise<RunState> => {
  const input = parseRunInput(event);
  const { aws, session } = cloudRuntime();
  const stored = await aws.sessionStore.get();
  const fresh = await session.refresh(stored?.version ?? 0);
  return {
    runId: input.runId ?? newRunId(),
    ...(input.refs ? { refs: input.refs } : {}),
    ...(input.limit ? { limit: input.limit } : {}),
    startedAt: Date.now(),
    login: { sessionVersion: fresh.version },
  };
};
