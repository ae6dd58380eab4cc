import { writeFileSync, renameSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, type FleetPdfError } from '../core/errors.js';
import type { FetchMode, PortalProfile, StepContext } from '../core/portal/profile.js';
import { resolveFetchMode } from '../core/portal/fetch-mode.js';
import { SessionManager } from '../core/portal/session-manager.js';
import { loginInBrowser } from '../core/portal/steps.js';
import { loadInventory } from '../core/pipeline/load-inventory.js';
import { CircuitBreaker, type CircuitBreakerOptions } from '../core/pipeline/circuit-breaker.js';
import { RetryPolicy } from '../core/pipeline/retry-policy.js';
import { RunCounters } from '../core/pipeline/run-counters.js';
import { runJob, type AttemptReport } from '../core/pipeline/run-job.js';
import { buildReport, manifestCsv, renderReportHtml, type RunReport } from '../core/report/index.js';
import { PdfVerifier } from '../core/verify/index.js';
import type { Credentials } from '../core/types.js';
import { VehicleStatus } from '../core/types.js';
import { FsDocumentStore, MemorySessionStore, RunLock, SqliteStore } from '../adapters/local/index.js';
import { launchBrowser } from '../browser/launch.js';
import { PagePool } from '../browser/page-pool.js';
import { sampleRssMb } from '../system/process-rss.js';
import { localFetcher } from './document-fetcher.js';

/** How often the run samples its memory for the report's peak, ms. */
const RSS_SAMPLE_MS = 5_000;

export interface LocalJobOptions {
  profile: PortalProfile;
  portalUrl: string;
  /**
   * What identifies the portal in the run record, compared on resume: a run never resumes
   * against another portal or profile. @default portalUrl (the demo portal passes a fixed
   * name: its port changes every start)
   */
  portalName?: string;
  credentials: Credentials;
  outDir: string;
  workers: number;
  /** Start a new run even if an unfinished one exists. */
  forceNew: boolean;
  maxAttempts: number;
  retryBaseDelayMs: number;
  vehicleTimeoutMs: number;
  stepTimeoutMs: number;
  blockResources: boolean;
  /**
   * How PDFs are fetched: `direct` = HTTP GET of the profile's `document.directPath` with the
   * session cookies (undici; Chromium only logs in and exports the inventory, no worker pages),
   * `browser` = a worker page per worker, `auto` = direct, falling back to the vehicle page for
   * a vehicle whose direct URL gives no PDF. The profile's `document.fetch` narrows it.
   * @default 'auto'
   */
  fetchMode?: FetchMode;
  /** Circuit breaker tuning (pause lengths, threshold). */
  breaker?: CircuitBreakerOptions;
  /** Only this many vehicles of the inventory (the first ones). */
  limit?: number;
  /** Recorded with the run, for the report. */
  label?: Record<string, unknown>;
  signal?: AbortSignal;
  log: (line: string) => void;
  onAttempt?: (attempt: AttemptReport) => void;
  /**
   * Called once the run's vehicles are known, with a way to read progress. What it returns
   * is awaited when the work ends, while the tracking store is still open (a final tick).
   */
  onStart?: (run: {
    runId: string;
    folder: string;
    total: number;
    snapshot: () => Promise<LocalSnapshot>;
  }) => (() => Promise<void>) | void;
}

/** Where a run stands, for progress displays. */
export interface LocalSnapshot {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  inFlight: number;
  retries: number;
}

export interface LocalJobResult {
  report: RunReport;
  folder: string;
  /** Workers that opened a worker page (0 when every document came from the direct URL). */
  workerPagesOpened: number;
  stopError?: FleetPdfError;
}

/**
 * The local composition root: SQLite tracking and lease queue, PDFs in a run folder, one
 * headless Chromium with a page per worker, and the core pipeline in between.
 */
export async function runLocalJob(options: LocalJobOptions): Promise<LocalJobResult> {
  const { profile, log } = options;
  const fetchMode = resolveFetchMode(profile, options.fetchMode);
  const lock = RunLock.acquire(options.outDir);
  const store = SqliteStore.open(options.outDir);
  const pool = new PagePool({
    launch: () => launchBrowser(),
    blockResources: options.blockResources ? profile.blockResources : [],
    stepTimeoutMs: options.stepTimeoutMs,
  });
  const counters = new RunCounters();
  const verifier = new PdfVerifier();
  const paths = localFetcher({
    mode: fetchMode,
    profile,
    ctx: { baseUrl: options.portalUrl, stepTimeoutMs: options.stepTimeoutMs },
    pool,
    workers: options.workers,
    counters,
    log,
  });
  const startedAt = Date.now();
  let onWorkEnd: (() => Promise<void>) | void = undefined;
  // Every 5 s: a sample walks every Chromium process's memory map (a few ms of kernel time);
  // once a second it took a few percent of a core from the workers. The bench samples finer.
  const rssTimer = setInterval(() => {
    counters.peakRssMb = Math.max(counters.peakRssMb, sampleRssMb());
  }, RSS_SAMPLE_MS);
  rssTimer.unref();
  try {
    const { runId, folder, resumed } = openRun(store, options);
    log(`${resumed ? 'resuming' : 'starting'} run ${runId} in ${folder}`);
    const documents = new FsDocumentStore(options.outDir);
    documents.cleanTemp(runId);
    const ctx: StepContext = { baseUrl: options.portalUrl, stepTimeoutMs: options.stepTimeoutMs };
    const session = new SessionManager({
      store: new MemorySessionStore(),
      login: async () => loginInBrowser(await pool.browser(), profile, options.credentials, ctx),
      onLogin: (s) => log(`logged in (session ${s.version})`),
    });

    if ((await store.list(runId)).length === 0) {
      await registerInventory(store, runId, folder, session, pool, ctx, options);
    }
    const adopted = await adoptStoredDocuments(store, documents, verifier, runId, folder);
    if (adopted) log(`adopted ${adopted} PDFs written before the last stop`);

    const rows = await store.list(runId);
    const total = rows.length;
    const snapshot = async (): Promise<LocalSnapshot> => {
      const counts = await store.counts(runId);
      return {
        total,
        done: counts.DONE,
        failed: counts.FAILED,
        skipped: counts.SKIPPED,
        inFlight: counts.IN_PROGRESS,
        retries: counters.retries,
      };
    };
    onWorkEnd = options.onStart?.({ runId, folder, total, snapshot });

    const result = await runJob({
      runId,
      workers: options.workers,
      queue: store.queue(runId),
      tracker: store,
      documents,
      session,
      fetcher: paths.fetcher,
      verifier,
      retry: new RetryPolicy({ maxAttempts: options.maxAttempts, baseDelayMs: options.retryBaseDelayMs }),
      vehicleTimeoutMs: options.vehicleTimeoutMs,
      signal: options.signal,
      counters,
      breaker: new CircuitBreaker(options.breaker),
      log,
      onAttempt: options.onAttempt,
    });
    await onWorkEnd?.();
    onWorkEnd = undefined;
    counters.browserRestarts = pool.browserRestarts;
    counters.pagesRecycled = pool.pagesRecycled;
    counters.peakRssMb = Math.max(counters.peakRssMb, sampleRssMb());

    const finalRows = await store.list(runId);
    const status = result.status === 'completed' ? 'completed' : 'stopped';
    const report = buildReport({
      runId,
      profile: profile.name,
      workers: options.workers,
      rows: finalRows,
      counters: counters.toReport(),
      startedAt,
      finishedAt: Date.now(),
      status,
      stopReason: result.stopReason,
      output: folder,
    });
    writeAtomic(join(folder, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeAtomic(join(folder, 'report.html'), renderReportHtml(report));
    writeAtomic(join(folder, 'manifest.csv'), manifestCsv(finalRows));
    // A run with FAILED vehicles stays open: the next `fleetpdf run` retries them (`--new` starts afresh).
    if (status === 'completed') store.finishRun(runId, report.failed > 0 ? 'failed' : 'completed');
    return { report, folder, stopError: result.stopError, workerPagesOpened: paths.workerPagesOpened() };
  } finally {
    clearInterval(rssTimer);
    await onWorkEnd?.().catch(() => undefined);
    await paths.close();
    await pool.close();
    await verifier.close();
    store.close();
    lock.release();
  }
}

function openRun(store: SqliteStore, options: LocalJobOptions): { runId: string; folder: string; resumed: boolean } {
  const latest = options.forceNew ? undefined : store.latestUnfinishedRun();
  const portal = options.portalName ?? options.portalUrl;
  if (latest && (latest.portal !== portal || latest.profile !== options.profile.name)) {
    throw new InputError(
      `the newest unfinished run ${latest.runId} was against ${latest.portal} (${latest.profile}), not ${portal} ` +
        `(${options.profile.name}): pass --new to start a run here, or use the same --portal/--profile (or another --out)`,
    );
  }
  if (latest) {
    store.recoverRun(latest.runId);
    const retried = store.retryFailed(latest.runId);
    if (retried) options.log(`retrying ${retried} vehicles that FAILED last time`);
    return { runId: latest.runId, folder: latest.folder, resumed: true };
  }
  const created = store.createRun({
    outDir: options.outDir,
    profile: options.profile.name,
    portal,
    options: options.label ?? {},
  });
  return { ...created, resumed: false };
}

/** Export, parse and register the inventory, keeping the export in the run folder. */
async function registerInventory(
  store: SqliteStore,
  runId: string,
  folder: string,
  session: SessionManager,
  pool: PagePool,
  ctx: StepContext,
  options: LocalJobOptions,
): Promise<void> {
  const inventory = await loadInventory({
    profile: options.profile,
    session,
    ctx,
    page: (current) => pool.page('inventory', current),
    afterAttempt: () => pool.recycle('inventory'),
    attempts: Math.max(3, options.maxAttempts),
    limit: options.limit,
    log: options.log,
  });
  if (inventory.csv !== undefined) writeAtomic(join(folder, 'inventory.csv'), inventory.csv);
  for (const warning of inventory.warnings) options.log(`inventory: ${warning}`);
  await store.register(runId, inventory.vehicles);
  if (inventory.skipped.length) await store.registerSkipped(runId, inventory.skipped);
  options.log(`inventory: ${inventory.vehicles.length} vehicles to download, ${inventory.skipped.length} rejected`);
}

/**
 * A PDF can reach the run folder just before a crash and before its row said DONE.
 * Verify such files and mark them DONE, so a resumed run does not download them again.
 */
async function adoptStoredDocuments(
  store: SqliteStore,
  documents: FsDocumentStore,
  verifier: PdfVerifier,
  runId: string,
  folder: string,
): Promise<number> {
  const onDisk = new Set(readdirSync(folder).filter((f) => f.endsWith('.pdf') && !f.startsWith('.')));
  let adopted = 0;
  for (const row of await store.list(runId)) {
    if (row.status === VehicleStatus.DONE || row.status === VehicleStatus.SKIPPED || !onDisk.has(`${row.ref}.pdf`)) continue;
    const bytes = await documents.get(runId, row.ref);
    if (!bytes) continue;
    try {
      const verified = await verifier.verify(bytes, row);
      await store.markDone(runId, row.ref, {
        bytes: verified.bytes.length,
        sha256: verified.sha256,
        storageKey: documents.keyFor(runId, row.ref),
        attempts: Math.max(1, row.attempts),
      });
      adopted += 1;
    } catch {
      // Not a valid document for this vehicle: it will be downloaded again and overwritten.
    }
  }
  return adopted;
}

function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}
