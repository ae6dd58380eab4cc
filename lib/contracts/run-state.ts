import { z } from 'zod';
import { RunIdSchema } from './messages.js';

/**
 * What the console's "Start execution" may send: `{}` works. The console prefills a
 * `Comment` key: accepted and ignored.
 */
export const RunInputSchema = z
  .object({
    runId: RunIdSchema.optional(),
    refs: z.array(z.string().min(1)).max(100_000).optional(),
    limit: z.number().int().positive().optional(),
    Comment: z.string().optional(),
  })
  .strict();
export type RunInput = z.infer<typeof RunInputSchema>;

/** Counts per tracking status (every status present). */
export interface StatusCounts {
  PENDING: number;
  IN_PROGRESS: number;
  DONE: number;
  FAILED: number;
  SKIPPED: number;
}

/**
 * The state that flows through the state machine. Every Task gets the whole state and
 * returns it with its own part filled in, so the ASL needs no JSONPath plumbing.
 */
export interface RunState {
  runId: string;
  refs?: string[];
  limit?: number;
  /** Epoch ms the run started (set by Login). */
  startedAt: number;
  login?: { sessionVersion: number };
  /** `selection`: what `limit` selected, when it left vehicles out. */
  enqueue?: { total: number; enqueued: number; alreadyDone: number; skipped: number; selection?: { limit: number; inventory: number } };
  progress?: RunProgress;
  report?: { status: string; reportKey: string; manifestKey: string; succeeded: number; failed: number; inDlq: number };
  /** Set while the circuit breaker holds the run (see lib/cloud/pause-run.ts). */
  pause?: RunPause;
}

/** One poll of a run (the Progress state). */
export interface RunProgress {
  counts: StatusCounts;
  queueVisible: number;
  queueInFlight: number;
  dlqVisible: number;
  /** Nothing left to do: no message visible or in flight. */
  done: boolean;
  /** Polls in a row in which nothing finished while work was left. */
  idlePolls: number;
  stalled: boolean;
  polls: number;
  /** The circuit breaker is open: the downloads are paused for this reason. */
  paused?: { reason: string; critical: boolean; since: number };
}

/** A paused run, as the state machine sees it. */
export interface RunPause {
  /** Why the breaker opened, one line. */
  reason: string;
  /** Resume probes so far. */
  probes: number;
  /** The last probe found the portal healthy: the downloads flow again. */
  resumed: boolean;
  /** No more automatic probes: the run ends as `Paused` with `cause`. */
  gaveUp: boolean;
  /** The execution's failure cause when it gives up: `paused: <reason>; ...how to resume`. */
  cause?: string;
}
