import type { RunState } from '../../contracts/index.js';
import { pausedProgress } from '../pause-run.js';
import type { CloudRuntime } from '../runtime.js';

/**
 * One poll of the run: counts per status from the tracking index, queue and DLQ depth.
 * Done when no ref of the run is PENDING or IN_PROGRESS, or when the queue is empty (a ref
 * whose message went to the DLQ stays unfinished until a redrive). Stalled when nothing
 * finished for `stallPolls` polls in a row while work was left (lib/settings cloudTimings).
 * Paused when the circuit breaker is open (the downloads are then switched off here; see
 * lib/cloud/pause-run.ts).
 */
export function progressHandler(rt: CloudRuntime): (state: RunState) => Promise<RunState> {
  return async (state) => {
    const { aws, settings } = rt;
    const [counts, queue, dlq, paused] = await Promise.all([
      aws.tracker.counts(state.runId),
      aws.queue.depth(),
      aws.queue.dlqDepth(),
      pausedProgress(rt, state.runId),
    ]);
    const finished = counts.DONE + counts.FAILED + counts.SKIPPED;
    const previous = state.progress;
    const previousFinished = previous ? previous.counts.DONE + previous.counts.FAILED + previous.counts.SKIPPED : -1;
    const queueEmpty = queue.visible + queue.inFlight + queue.delayed === 0;
    const done = counts.PENDING + counts.IN_PROGRESS === 0 || queueEmpty;
    // A paused run is not idle: nothing finishes on purpose.
    const idlePolls = !done && !paused && finished === previousFinished ? (previous?.idlePolls ?? 0) + 1 : 0;
    return {
      ...state,
      progress: {
        counts,
        queueVisible: queue.visible,
        queueInFlight: queue.inFlight,
        dlqVisible: dlq.visible,
        done,
        idlePolls,
        stalled: idlePolls >= settings.timings.stallPolls,
        polls: (previous?.polls ?? 0) + 1,
        ...(paused ? { paused } : {}),
      },
    };
  };
}
