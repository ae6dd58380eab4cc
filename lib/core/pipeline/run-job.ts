import { CriticalError, Disposition, leavesPageBroken, type FleetPdfError } from '../errors.js';
import type { SessionManager } from '../portal/session-manager.js';
import type { DocumentStore, Tracker, WorkItem, WorkQueue } from '../ports.js';
import type { DocumentVerifier } from '../verify/index.js';
import type { Outcome, PortalSession, Vehicle } from '../types.js';
import { fetchVehicle, storeVehicle, type VehicleEvent } from './process-vehicle.js';
import { AdaptiveLimit } from './adaptive-limit.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { RetryPolicy } from './retry-policy.js';
import { RunCounters } from './run-counters.js';

/** How a worker gets documents; the browser path and the direct path both fit. */
export interface DocumentFetcher {
  fetch(workerId: string, vehicle: Vehicle, session: PortalSession): Promise<Buffer>;
  /** The worker's page (or connection) misbehaved: replace it before the next vehicle. */
  recycle(workerId: string): Promise<void>;
  /** The attempt at `ref` ended; `stored` when its document was verified and stored (for per-path counts). */
  settled?(ref: string, stored: boolean): void;
}

export interface RunJobOptions {
  runId: string;
  /** Parallel workers. */
  workers: number;
  queue: WorkQueue;
  tracker: Tracker;
  documents: DocumentStore;
  session: SessionManager;
  fetcher: DocumentFetcher;
  /** Is a fetched body the vehicle's PDF (a PdfVerifier; the caller closes it). */
  verifier: DocumentVerifier;
  retry: RetryPolicy;
  /** Budget per vehicle attempt, ms. */
  vehicleTimeoutMs: number;
  /** A worker's page is recycled after this many failures in a row. @default 3 */
  recycleAfterFailures?: number;
  /** How often the watchdog puts back expired leases, ms. @default 5_000 */
  watchdogIntervalMs?: number;
  /** Aborting it stops taking new vehicles; in-flight ones finish. */
  signal?: AbortSignal;
  counters?: RunCounters;
  /** Pauses the run when the portal as a whole keeps failing. @default a CircuitBreaker with its defaults */
  breaker?: CircuitBreaker;
  /** Fewer requests at once on 429s or rising latency. @default an AdaptiveLimit up to `workers` */
  limit?: AdaptiveLimit;
  /** One line about the run's own state (breaker, concurrency). */
  log?: (line: string) => void;
  /** Called after every attempt (for progress). */
  onAttempt?: (attempt: AttemptReport) => void;
}

export interface AttemptReport {
  workerId: string;
  ref: string;
  result: 'done' | 'already-done' | 'retry' | 'failed' | 'stopped';
  error?: FleetPdfError;
  delayMs?: number;
}

export interface RunJobResult {
  status: 'completed' | 'stopped';
  stopReason?: string;
  /** The error that stopped the run, when one did. */
  stopError?: FleetPdfError;
  counters: RunCounters;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The local scheduler: N workers lease refs from the queue and run processVehicle on each,
 * applying the retry policy to failures. It only schedules: what one vehicle takes is
 * processVehicle's business, what a failure means is the policy's.
 */
export async function runJob(options: RunJobOptions): Promise<RunJobResult> {
  const counters = options.counters ?? new RunCounters();
  const leaseSecs = Math.ceil((options.vehicleTimeoutMs * 2) / 1000) + 30;
  const recycleAfter = options.recycleAfterFailures ?? 3;
  const throttles = new Map<string, number>();
  const breaker = options.breaker ?? new CircuitBreaker();
  const limit = options.limit ?? new AdaptiveLimit({ max: options.workers });
  const log = options.log ?? (() => undefined);
  let stop: { reason: string; error: FleetPdfError } | undefined;
  const stopped = () => stop !== undefined || options.signal?.aborted === true;

  const onEvent = (event: VehicleEvent) => {
    if (event.type === 'document-rejected') {
      if (event.wrongVehicle) counters.wrongDocumentsRejected += 1;
      else counters.invalidDocumentsRejected += 1;
    } else if (event.type === 'duplicate') {
      counters.duplicates += 1;
    }
  };

  const watchdog = setInterval(() => {
    options.queue.reclaimExpired().catch(() => undefined);
  }, options.watchdogIntervalMs ?? 5_000);
  watchdog.unref();

  const settle = async (item: WorkItem, workerId: string, error: FleetPdfError): Promise<void> => {
    const tally = counters.worker(workerId);
    const throttled = throttles.get(item.ref) ?? 0;
    let decision = options.retry.decide(error, item.attempts, throttled);
    // A failure while the breaker is open is the portal's outage, not this vehicle's: free retry.
    if (breaker.state !== 'closed' && CircuitBreaker.counts(error)) {
      decision = { action: 'retry', delayMs: breaker.currentPauseMs(), countAttempt: false };
    }
    const failure = { error: error.message, reason: error.reason, attempts: item.attempts + 1 };
    if (decision.action === 'retry') {
      if (error.disposition === Disposition.THROTTLE) throttles.set(item.ref, throttled + 1);
      counters.retries += 1;
      tally.retries += 1;
      await options.tracker.recordError(options.runId, item.ref, { ...failure, attempts: item.attempts + (decision.countAttempt ? 1 : 0) });
      await options.queue.reclaim(item, { delayMs: decision.delayMs, countAttempt: decision.countAttempt, error: error.message });
      options.onAttempt?.({ workerId, ref: item.ref, result: 'retry', error, delayMs: decision.delayMs });
    } else if (decision.action === 'fail') {
      tally.failed += 1;
      await options.tracker.markFailed(options.runId, item.ref, failure);
      await options.queue.markHandled(item);
      options.onAttempt?.({ workerId, ref: item.ref, result: 'failed', error });
    } else {
      // Not this vehicle's fault: give it back untouched and stop the run.
      await options.queue.reclaim(item, { delayMs: 0, countAttempt: false });
      stop ??= { reason: error.message, error };
      options.onAttempt?.({ workerId, ref: item.ref, result: 'stopped', error });
    }
  };

  /** Feed the breaker and the adaptive limit, and say when either changes course. */
  const observe = (error: FleetPdfError | undefined, durationMs: number): void => {
    const wasOpen = breaker.opens;
    breaker.record(error);
    if (breaker.opens > wasOpen) {
      log(`circuit breaker open (${breaker.reason}): pausing ${Math.round(breaker.currentPauseMs() / 1000)} s`);
    }
    const before = limit.limit;
    if (error?.disposition === Disposition.THROTTLE) limit.onThrottle();
    else if (!error) limit.onSuccess(durationMs);
    if (limit.limit < before) log(`portal is throttling or slowing down: concurrency ${before} -> ${limit.limit}`);
  };

  /**
   * One worker: a lane to the portal. While it fetches a vehicle, the one it fetched before is
   * verified and stored (`storing`), so the portal never waits on our disk; at most one vehicle
   * per lane is being stored. A page is only rebuilt between two fetches (`rebuild`), never
   * under a fetch that is still running on it.
   */
  const worker = async (workerId: string): Promise<void> => {
    let failuresInRow = 0;
    let rebuild = false;
    let storing: Promise<void> = Promise.resolve();
    // Held until the lane next waits for it: a rejected promise nobody awaits yet would crash Node.
    let storeFailure: { error: unknown } | undefined;
    const deps = {
      tracker: options.tracker,
      documents: options.documents,
      session: options.session,
      fetchDocument: (vehicle: Vehicle, session: PortalSession) => options.fetcher.fetch(workerId, vehicle, session),
      verifier: options.verifier,
      workerId,
      timeoutMs: options.vehicleTimeoutMs,
      onEvent,
    };
    /** The attempt's outcome, in the order the lane fetched its vehicles. */
    const conclude = async (item: WorkItem, outcome: Outcome, portalMs: number): Promise<void> => {
      options.fetcher.settled?.(item.ref, outcome.kind === 'done');
      counters.worker(workerId).busy_seconds += portalMs / 1000;
      observe(outcome.kind === 'error' ? outcome.error : undefined, portalMs);
      if (outcome.kind === 'error') {
        failuresInRow += 1;
        if (leavesPageBroken(outcome.error) || failuresInRow >= recycleAfter) {
          rebuild = true;
          failuresInRow = 0;
        }
        await settle(item, workerId, outcome.error);
      } else {
        failuresInRow = 0;
        if (outcome.kind === 'done') counters.worker(workerId).succeeded += 1;
        await options.queue.markHandled(item);
        options.onAttempt?.({ workerId, ref: item.ref, result: outcome.kind });
      }
    };
    /** Wait for the vehicle being stored, then rebuild the page if an outcome asked for it. */
    const drain = async (): Promise<void> => {
      await storing;
      if (storeFailure) throw storeFailure.error;
      if (rebuild) {
        rebuild = false;
        await options.fetcher.recycle(workerId);
      }
    };

    try {
      while (!stopped()) {
        if (breaker.exhausted) {
          const reason = `the portal keeps failing (${breaker.reason}); paused ${breaker.opens} times, stopping`;
          stop ??= { reason, error: new CriticalError(reason, 'circuit_open') };
          break;
        }
        if (!limit.tryAcquire()) {
          await sleep(50);
          continue;
        }
        const admission = breaker.tryAcquire();
        if (admission === 'wait') {
          limit.release();
          await sleep(200);
          continue;
        }
        const item = await options.queue.lease(workerId, leaseSecs);
        if (!item) {
          limit.release();
          if (admission === 'probe') breaker.cancelProbe();
          await drain();
          const depth = await options.queue.depth();
          if (depth.available + depth.delayed + depth.leased === 0) break;
          const wait = depth.nextAvailableAt ? depth.nextAvailableAt - Date.now() : 200;
          await sleep(Math.min(250, Math.max(10, wait)));
          continue;
        }
        const task = { runId: options.runId, ref: item.ref, vin: item.vin, attempts: item.attempts };
        const fetched = await fetchVehicle(task, deps);
        limit.release();
        await drain();
        if (fetched.kind === 'fetched') {
          storing = storeVehicle(task, fetched, deps)
            .then((outcome) => conclude(item, outcome, fetched.fetchMs))
            .catch((error: unknown) => {
              storeFailure = { error };
            });
        } else {
          await conclude(item, fetched, fetched.kind === 'error' ? fetched.durationMs : 0);
          await drain();
        }
      }
    } finally {
      await storing;
    }
    // Leaving the loop (done, stopped) still reports a failure of the last vehicle's storage.
    if (storeFailure) throw storeFailure.error;
  };

  try {
    await Promise.all(Array.from({ length: options.workers }, (_, i) => worker(`w${i + 1}`)));
  } finally {
    clearInterval(watchdog);
  }
  counters.sessionRefreshes = Math.max(0, options.session.loginCount - 1);
  counters.breakerOpens = breaker.opens;
  counters.concurrencyLowest = limit.lowest;
  if (stop) return { status: 'stopped', stopReason: stop.reason, stopError: stop.error, counters };
  if (options.signal?.aborted) return { status: 'stopped', stopReason: 'interrupted', counters };
  return { status: 'completed', counters };
}
