import { documentName } from '../core/file-name.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { attemptPolicy } from '../core/attempt/index.js';
import { spreadsheetSafeCopy } from '../core/csv.js';
import { CircuitBreaker, PauseGate } from '../core/breaker/index.js';
import { InputError, isStorageFull, StorageFullError, type FleetPdfError } from '../core/errors.js';
import type { PortalProfile, StepContext } from '../core/portal/profile.js';
import type { ProfileSource } from '../profiles/load.js';
import { resolveFetchMode } from '../core/portal/fetch-mode.js';
import { SessionManager } from '../core/portal/session-manager.js';
import { loginInBrowser } from '../core/portal/steps.js';
import { AdaptiveLimit } from '../core/pipeline/adaptive-limit.js';
import { loadInventory } from '../core/pipeline/load-inventory.js';
import { runJob, type AttemptReport } from '../core/pipeline/run-job.js';
import { buildReport, manifestCsv, renderReportHtml, reportCounters, type RunReport } from '../core/report/index.js';
import { PdfVerifier, verifierOptions } from '../core/verify/index.js';
import type { Credentials } from '../core/types.js';
import { VehicleStatus } from '../core/types.js';
import { FsDocumentStore, RunLock, SqliteStore } from '../adapters/local/index.js';
import { MemoryBreakerStore, MemoryRunCounterStore, MemorySessionStore } from '../adapters/memory/index.js';
import { launchBrowser } from '../browser/launch.js';
import { PagePool } from '../browser/page-pool.js';
import type { LocalSettings } from '../settings/index.js';
import { writeFileAtomic } from '../system/atomic-file.js';
import { sampleRssMb } from '../system/process-rss.js';
import { localFetcher } from './document-fetcher.js';

/** How often the run samples its memory for the report's peak, ms. */
const RSS_SAMPLE_MS = 5_000;

export interface LocalJobOptions {
  profile: PortalProfile;
  /** The user's file the profile came from, for the report (absent for a shipped profile). */
  profileSource?: ProfileSource;
  portalUrl: string;
  /**
   * What identifies the portal in the run record, compared on resume: a run never resumes
   * against another portal or profile. @default portalUrl (the demo portal passes a fixed
   * name: its port changes every start)
   */
  portalName?: string;
  credentials: Credentials;
  /** Every tunable of the run (lib/settings): the CLI's, or `defaultSettings('local')` with changes. */
  settings: LocalSettings;
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
  const { profile, log, settings } = options;
  const outDir = settings.outDir;
  const fetchMode = resolveFetchMode(profile, settings.fetchMode);
  const lock = RunLock.acquire(outDir);
  const store = SqliteStore.open(outDir);
  const ctx: StepContext = { baseUrl: options.portalUrl, stepTimeoutMs: settings.stepTimeoutSecs * 1000, maxPdfBytes: settings.maxPdfMb * 1024 * 1024 };
  let sandbox: boolean | undefined; // false once a launch found the sandbox unavailable
  const pool = new PagePool({
    launch: () =>
      launchBrowser({
        sandbox,
        onNotice: (line) => {
          sandbox = false;
          log(line);
        },
      }),
    blockResources: settings.blockResources ? profile.blockResources : [],
    stepTimeoutMs: ctx.stepTimeoutMs,
  });
  const counters = new MemoryRunCounterStore();
  let runId = '';
  const paths = localFetcher({
    mode: fetchMode,
    profile,
    ctx,
    pool,
    workers: settings.workers,
    count: (deltas) => void counters.add(runId, deltas),
    log,
  });
  const verifier = new PdfVerifier(verifierOptions(settings));
  const startedAt = Date.now();
  let peakRssMb = 0;
  let onWorkEnd: (() => Promise<void>) | undefined;
  // Every 5 s: a sample walks every Chromium process's memory map (a few ms of kernel time);
  // once a second it took a few percent of a core from the workers. The bench samples finer.
  const rssTimer = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, sampleRssMb());
  }, RSS_SAMPLE_MS);
  rssTimer.unref();
  try {
    const opened = openRun(store, options);
    runId = opened.runId;
    const { folder } = opened;
    log(`${opened.resumed ? 'resuming' : 'starting'} run ${runId} in ${folder}`);
    const documents = new FsDocumentStore(outDir);
    documents.cleanTemp(runId);
    const session = new SessionManager({
      store: new MemorySessionStore(),
      login: async () => loginInBrowser(await pool.browser(), profile, options.credentials, ctx),
      onLogin: (s) => log(`logged in (session ${s.version})`),
    });

    if ((await store.list(runId)).length === 0) {
      await registerInventory(store, runId, folder, session, pool, ctx, options);
    }
    const adopted = await adoptStoredDocuments(store, documents, runId, folder, verifier);
    if (adopted) log(`adopted ${adopted} PDFs written before the last stop`);

    const rows = await store.list(runId);
    const total = rows.length;
    const snapshot = async (): Promise<LocalSnapshot> => {
      const [counts, values] = await Promise.all([store.counts(runId), counters.get(runId)]);
      return {
        total,
        done: counts.DONE,
        failed: counts.FAILED,
        skipped: counts.SKIPPED,
        inFlight: counts.IN_PROGRESS,
        retries: values.retries,
      };
    };
    onWorkEnd = options.onStart?.({ runId, folder, total, snapshot }) || undefined;

    const breaker = new CircuitBreaker({
      store: new MemoryBreakerStore({ bucketSecs: settings.breakerBucketSecs }),
      runId,
      minSamples: settings.breakerMinSamples,
      errorRatio: settings.breakerErrorRatio,
    });
    const result = await runJob({
      runId,
      workers: settings.workers,
      queue: store.queue(runId),
      tracker: store,
      documents,
      counters,
      session,
      fetcher: paths.fetcher,
      verifier,
      policy: attemptPolicy(settings),
      breaker,
      gate: new PauseGate({
        breaker,
        pauseMs: settings.pauseSecs * 1000,
        maxPauseMs: settings.maxPauseSecs * 1000,
        maxPauses: settings.maxPauses,
      }),
      limit: new AdaptiveLimit({
        max: settings.workers,
        growAfter: settings.limitGrowAfter,
        latencyFactor: settings.limitLatencyFactor,
        cooldownMs: settings.limitCooldownMs,
      }),
      vehicleTimeoutMs: settings.vehicleTimeoutSecs * 1000,
      refreshesPerAttempt: settings.refreshesPerAttempt,
      recycleAfterFailures: settings.recycleAfterFailures,
      watchdogIntervalMs: settings.leaseWatchdogSecs * 1000,
      signal: options.signal,
      log,
      onAttempt: options.onAttempt,
    });
    await onWorkEnd?.();
    onWorkEnd = undefined;
    // The pipeline does not know where the disk is full: name the run folder.
    if (result.stopError?.reason === 'storage_full' && !(result.stopError instanceof StorageFullError && result.stopError.folder === folder)) {
      result.stopError = new StorageFullError(folder, { cause: result.stopError });
      result.stopReason = result.stopError.message;
    }
    await counters.add(runId, { browser_restarts: pool.browserRestarts });
    peakRssMb = Math.max(peakRssMb, sampleRssMb());

    const finalRows = await store.list(runId);
    const status = result.status === 'completed' ? 'completed' : 'stopped';
    const report = buildReport({
      runId,
      profile: profile.name,
      ...(options.profileSource ? { profileSource: options.profileSource } : {}),
      workers: settings.workers,
      rows: finalRows,
      counters: reportCounters(await counters.get(runId), {
        sessionRefreshes: Math.max(0, session.loginCount - 1),
        peakRssMb,
        perWorker: result.perWorker,
        concurrencyLowest: result.concurrencyLowest,
      }),
      startedAt,
      finishedAt: Date.now(),
      status,
      stopReason: result.stopReason,
      output: folder,
      ...runSelection(store, runId),
    });
    const written = await writeReports(folder, [
      ['report.json', `${JSON.stringify(report, null, 2)}\n`],
      ['report.html', renderReportHtml(report)],
      ['manifest.csv', manifestCsv(finalRows)],
    ]);
    if (!written) log(`no space left to write the reports in ${folder}: free space and run again (nothing is lost)`);
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
  const latest = options.settings.forceNew ? undefined : store.latestUnfinishedRun();
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
    outDir: options.settings.outDir,
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
    attempts: Math.max(3, options.settings.maxAttempts),
    limit: options.settings.limit,
    log: options.log,
  });
  if (inventory.csv !== undefined) await writeFileAtomic(join(folder, 'inventory.csv'), spreadsheetSafeCopy(inventory.csv));
  for (const warning of inventory.warnings) options.log(`inventory: ${warning}`);
  await store.register(runId, inventory.vehicles);
  if (inventory.skipped.length) await store.registerSkipped(runId, inventory.skipped);
  if (inventory.selection) store.setRunOptions(runId, { selection: inventory.selection });
  options.log(`inventory: ${inventory.vehicles.length} vehicles to download, ${inventory.skipped.length} rejected`);
}

/**
 * A PDF can reach the run folder just before a crash and before its row said DONE.
 * Verify such files and mark them DONE, so a resumed run does not download them again.
 */
async function adoptStoredDocuments(
  store: SqliteStore,
  documents: FsDocumentStore,
  runId: string,
  folder: string,
  verifier: PdfVerifier,
): Promise<number> {
  const onDisk = new Set(readdirSync(folder).filter((f) => f.endsWith('.pdf') && !f.startsWith('.')));
  let adopted = 0;
  for (const row of await store.list(runId)) {
    const name = documentName(row);
    if (row.status === VehicleStatus.DONE || row.status === VehicleStatus.SKIPPED || !onDisk.has(name.file)) continue;
    const bytes = await documents.get(runId, name);
    if (!bytes) continue;
    try {
      const verified = await verifier.verify(bytes, row);
      await store.markDone(runId, row.ref, {
        bytes: verified.bytes.length,
        sha256: verified.sha256,
        storageKey: documents.keyFor(runId, name),
        attempts: Math.max(1, row.attempts),
      });
      adopted += 1;
    } catch {
      // Not a valid document for this vehicle: it will be downloaded again and overwritten.
    }
  }
  return adopted;
}

/** What --limit selected when the run was created (kept in the run's options, so a resumed run reports it too). */
function runSelection(store: SqliteStore, runId: string): { selection?: { limit: number; inventory: number } } {
  const selection = store.getRun(runId)?.options.selection as { limit?: unknown; inventory?: unknown } | undefined;
  if (typeof selection?.limit !== 'number' || typeof selection.inventory !== 'number') return {};
  return { selection: { limit: selection.limit, inventory: selection.inventory } };
}

/**
 * Write the reports, each atomically. On a full disk stop writing and return false: the
 * report still exists in memory (`--json` prints it) and the next run writes them again.
 */
async function writeReports(folder: string, files: [string, string][]): Promise<boolean> {
  for (const [name, content] of files) {
    try {
      await writeFileAtomic(join(folder, name), content);
    } catch (error) {
      if (isStorageFull(error)) return false;
      throw error;
    }
  }
  return true;
}
