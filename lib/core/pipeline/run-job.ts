import { breakerSignal, decideAttempt, type AttemptEffects, type AttemptPolicy } from '../attempt/index.js';
import type { Admission, CircuitBreaker, PauseGate } from '../breaker/index.js';
import { classify, CriticalError, isStorageFull, StorageFullError, type FleetPdfError } from '../errors.js';
import type { SessionManager } from '../portal/session-manager.js';
import type { DocumentStore, RunCounterStore, Tracker, WorkItem, WorkQueue } from '../ports.js';
import type { PerWorkerStats } from '../report/types.js';
import type { Outcome, PortalSession, Vehicle } from '../types.js';
import type { AdaptiveLimit } from './adaptive-limit.js';
import type { DocumentVerifier } from '../verify/index.js';
import { fetchVehicle, storeVehicle } from './process-vehicle.js';

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
  counters: RunCounterStore;
  session: SessionManager;
  fetcher: DocumentFetcher;
  /** Is a fetched body the vehicle's PDF (a PdfVerifier; the caller closes it). */
  verifier: DocumentVerifier;
  /** The attempt engine's rules. */
  policy: AttemptPolicy;
  /** The run's circuit breaker, and the pauses and probes that go with it. */
  breaker: CircuitBreaker;
  gate: PauseGate;
  /** Fewer requests at once on 429s or rising latency. */
  limit: AdaptiveLimit;
  /** Budget per vehicle attempt, ms. */
  vehicleTimeoutMs: number;
  /** Session refreshes one attempt may wait for. */
  refreshesPerAttempt: number;
  /** A worker's page is rebuilt after this many failures in a row. */
  recycleAfterFailures: number;
  /** How often the watchdog puts back expired leases, ms. */
  watchdogIntervalMs: number;
  /** Aborting it stops taking new vehicles; in-flight ones finish. */
  signal?: AbortSignal;
  /** One line about the run's own state (breaker, concurrency). */
  log?: (line: string) => void;
  /** Called after every attempt (for progress). */
  onAttempt?: (attempt: AttemptReport) => void;
  /** For the backoff's jitter. @default Math.random */
  random?: () => number;
}

export interface AttemptReport {
  workerId: string;
  ref: string;
  result: AttemptEffects['result'];
  error?: FleetPdfError;
  delayMs?: number;
}

export interface RunJobResult {
  status: 'completed' | 'stopped';
  stopReason?: string;
  /** The error that stopped the run, when one did. */
  stopError?: FleetPdfError;
  perWorker: PerWorkerStats[];
  /** Times the circuit breaker opened. */
  breakerOpens: number;
  /** Lowest concurrency the adaptive limit went down to. */
  concurrencyLowest: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The local driver of the attempt engine: N workers lease refs from the queue, run one
 * attempt each (fetchVehicle, then storeVehicle), count the outcome on the breaker and carry
 * out what decideAttempt says. It only schedules: what an attempt takes is processVehicle's,
 * what an outcome means is the engine's.
 */
export async function runJob(options: RunJobOptions): Promise<RunJobResult> {
  const { runId, breaker, gate, limit } = options;
  const leaseSecs = Math.ceil((options.vehicleTimeoutMs * 2) / 1000) + 30;
  /** Each vehicle's uncounted retries (the lease keeps its counted attempts). */
  const free = new Map<string, { throttles: number; relogins: number }>();
  const tallies = new Map<string, PerWorkerStats>();
  const log = options.log ?? (() => undefined);
  let stop: { reason: string; error: FleetPdfError } | undefined;
  const stopped = () => stop !== undefined || options.signal?.aborted === true;
  const tally = (workerId: string): PerWorkerStats => {
    const known = tallies.get(workerId);
    if (known) return known;
    const fresh = { worker: workerId, succeeded: 0, failed: 0, retries: 0, busy_seconds: 0 };
    tallies.set(workerId, fresh);
    return fresh;
  };

  const watchdog = setInterval(() => {
    options.queue.reclaimExpired().catch(() => undefined);
  }, options.watchdogIntervalMs);
  watchdog.unref();

  /** Count the outcome on the breaker, ask the engine, carry out its effects. Returns them. */
  const settle = async (item: WorkItem, workerId: string, outcome: Outcome, admission: Admission): Promise<AttemptEffects> => {
    const error = outcome.kind === 'error' ? outcome.error : undefined;
    const signal = breakerSignal(outcome);
    const observed = await breaker.observe(signal, error);
    const change = await gate.settle(admission, signal, observed, error);
    if (change) log(change);
    const effects = decideAttempt({
      outcome,
      vehicle: { attempts: item.attempts, ...(free.get(item.ref) ?? { throttles: 0, relogins: 0 }) },
      breakerOpen: observed.open,
      pauseMs: gate.pauseMs,
      policy: options.policy,
      random: options.random,
    });
    free.set(item.ref, { throttles: effects.vehicle.throttles, relogins: effects.vehicle.relogins });
    adjustLimit(effects);
    if (Object.keys(effects.counters).length > 0) await options.counters.add(runId, effects.counters);
    if (effects.tracker.write === 'error') await options.tracker.recordError(runId, item.ref, effects.tracker.failure);
    else if (effects.tracker.write === 'failed') await options.tracker.markFailed(runId, item.ref, effects.tracker.failure);
    const queue = effects.queue;
    if (queue.kind === 'done' || queue.kind === 'give-up') await options.queue.markHandled(item);
    else if (queue.kind === 'retry') await options.queue.reclaim(item, { delayMs: queue.delayMs, countAttempt: queue.countAttempt, ...(error ? { error: error.message } : {}) });
    else if (queue.kind === 'park') await options.queue.reclaim(item, { delayMs: queue.delayMs, countAttempt: false });
    else await options.queue.reclaim(item, { delayMs: 0, countAttempt: false });
    if (effects.stopRun) stop ??= { reason: effects.stopRun.message, error: effects.stopRun };
    const t = tally(workerId);
    if (effects.result === 'done') t.succeeded += 1;
    else if (effects.result === 'failed') t.failed += 1;
    else if (effects.result === 'retry') t.retries += 1;
    const delayMs = queue.kind === 'retry' || queue.kind === 'park' ? queue.delayMs : undefined;
    options.onAttempt?.({ workerId, ref: item.ref, result: effects.result, ...(error ? { error } : {}), ...(delayMs !== undefined ? { delayMs } : {}) });
    return effects;
  };

  const adjustLimit = (effects: AttemptEffects): void => {
    const before = limit.limit;
    const signal = effects.limit;
    if (signal.kind === 'throttle') limit.onThrottle();
    else if (signal.kind === 'session-ended') limit.onSessionEnded(signal.staleVersion);
    else if (signal.kind === 'success') limit.onSuccess(signal.latencyMs);
    if (limit.limit < before) {
      const why = signal.kind === 'session-ended' ? 'the portal ended the session' : 'portal is throttling or slowing down';
      log(`${why}: concurrency ${before} -> ${limit.limit}`);
    }
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
      verifier: options.verifier,
      fetchDocument: (vehicle: Vehicle, session: PortalSession) => options.fetcher.fetch(workerId, vehicle, session),
      workerId,
      timeoutMs: options.vehicleTimeoutMs,
      refreshesPerAttempt: options.refreshesPerAttempt,
    };
    /** The attempt's outcome, in the order the lane fetched its vehicles. */
    const conclude = async (item: WorkItem, outcome: Outcome, portalMs: number, admission: Admission): Promise<void> => {
      options.fetcher.settled?.(item.ref, outcome.kind === 'done');
      tally(workerId).busy_seconds += portalMs / 1000;
      const effects = await settle(item, workerId, outcome, admission);
      failuresInRow = outcome.kind === 'error' ? failuresInRow + 1 : 0;
      if (effects.recyclePage || failuresInRow >= options.recycleAfterFailures) {
        rebuild = true;
        failuresInRow = 0;
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
        if (gate.exhausted) {
          const reason = `the portal keeps failing (${gate.reason}); paused ${gate.opens} times, stopping`;
          stop ??= { reason, error: new CriticalError(reason, 'circuit_open') };
          break;
        }
        if (!limit.tryAcquire()) {
          await sleep(50);
          continue;
        }
        const admission = await gate.admit();
        if (admission === 'wait') {
          limit.release();
          await sleep(200);
          continue;
        }
        const item = await options.queue.lease(workerId, leaseSecs);
        if (!item) {
          limit.release();
          if (admission === 'probe') gate.cancelProbe();
          await drain();
          const depth = await options.queue.depth();
          if (depth.available + depth.delayed + depth.leased === 0) break;
          const wait = depth.nextAvailableAt ? depth.nextAvailableAt - Date.now() : 200;
          await sleep(Math.min(250, Math.max(10, wait)));
          continue;
        }
        const task = { runId, ref: item.ref, vin: item.vin, attempts: item.attempts };
        const fetched = await fetchVehicle(task, deps);
        limit.release();
        await drain();
        if (fetched.kind === 'fetched') {
          storing = storeVehicle(task, fetched, deps)
            .then((outcome) => conclude(item, outcome, fetched.fetchMs, admission))
            .catch((error: unknown) => {
              storeFailure = { error };
            });
        } else {
          await conclude(item, fetched, fetched.kind === 'error' ? fetched.durationMs : 0, admission);
          await drain();
        }
      }
    } catch (error) {
      if (!storageFull(error)) throw error;
    } finally {
      await storing;
    }
    // Leaving the loop (done, stopped) still reports a failure of the last vehicle's storage.
    if (storeFailure && !storageFull(storeFailure.error)) throw storeFailure.error;
  };
  /** A full disk under the tracker or queue (SQLITE_FULL) stops the run like any critical error, with a report. */
  const storageFull = (error: unknown): boolean => {
    if (!(error instanceof StorageFullError) && !isStorageFull(error)) return false;
    const critical = classify(error);
    stop ??= { reason: critical.message, error: critical };
    return true;
  };

  try {
    await Promise.all(Array.from({ length: options.workers }, (_, i) => worker(`w${i + 1}`)));
  } finally {
    clearInterval(watchdog);
  }
  const perWorker = [...tallies.values()]
    .map((w) => ({ ...w, busy_seconds: Math.round(w.busy_seconds * 10) / 10 }))
    .sort((a, b) => a.worker.localeCompare(b.worker, 'en', { numeric: true }));
  const figures = { perWorker, breakerOpens: gate.opens, concurrencyLowest: limit.lowest };
  if (gate.opens > 0) await options.counters.add(runId, { breaker_opens: gate.opens });
  if (stop) return { status: 'stopped', stopReason: stop.reason, stopError: stop.error, ...figures };
  if (options.signal?.aborted) return { status: 'stopped', stopReason: 'interrupted', ...figures };
  return { status: 'completed', ...figures };
}
