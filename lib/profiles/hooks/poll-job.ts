import { TransientError } from '../../core/errors.js';
import type { StepContext } from '../../core/portal/profile.js';

export interface PollJobOptions<S> {
  /** Reads the job's status once. */
  status: () => Promise<S>;
  /** The job is done: what to return (e.g. the download link); undefined = not yet. */
  done: (status: S) => string | undefined;
  /** The job failed for good: the reason (the attempt fails as transient with it). */
  failed?: (status: S) => string | undefined;
  /** How long to wait before the next poll, in ms (e.g. the job's own hint). @default 200 */
  waitMs?: (status: S) => number | undefined;
  /** What the job is, for errors. */
  what: string;
}

/**
 * Poll a job (a report being prepared) until it is done, within `ctx.stepTimeoutMs`. A portal
 * job has no event to wait on, so this sleeps between polls: its own hint, at most 2 s.
 */
export async function pollJob<S>(ctx: StepContext, options: PollJobOptions<S>): Promise<string> {
  const deadline = Date.now() + ctx.stepTimeoutMs;
  for (;;) {
    const status = await options.status();
    const result = options.done(status);
    if (result !== undefined) return result;
    const failure = options.failed?.(status);
    if (failure) throw new TransientError(`${options.what} failed: ${failure}`, 'job_failed');
    const wait = Math.min(2000, Math.max(10, options.waitMs?.(status) ?? 200));
    if (Date.now() + wait > deadline) throw new TransientError(`${options.what} not ready within ${ctx.stepTimeoutMs} ms`, 'job_timeout');
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
