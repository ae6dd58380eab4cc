import type { PerWorkerStats, ReportCounters } from '../report/types.js';

export type WorkerTally = PerWorkerStats;

/** What a run counts while it goes; the report adds what the tracking rows say. */
export class RunCounters {
  retries = 0;
  sessionRefreshes = 0;
  browserRestarts = 0;
  pagesRecycled = 0;
  wrongDocumentsRejected = 0;
  invalidDocumentsRejected = 0;
  duplicates = 0;
  peakRssMb = 0;
  breakerOpens = 0;
  concurrencyLowest?: number;
  /** Documents stored from the direct URL / from a worker page (see PathFetcher). */
  directDownloads = 0;
  browserDownloads = 0;
  /** Vehicles the direct URL could not serve, sent to their vehicle page. */
  directFallbacks = 0;
  readonly #workers = new Map<string, WorkerTally>();

  worker(id: string): WorkerTally {
    let tally = this.#workers.get(id);
    if (!tally) {
      tally = { worker: id, succeeded: 0, failed: 0, retries: 0, busy_seconds: 0 };
      this.#workers.set(id, tally);
    }
    return tally;
  }

  /** The report's view of these counters. */
  toReport(): ReportCounters {
    return {
      retries: this.retries,
      session_refreshes: this.sessionRefreshes,
      browser_restarts: this.browserRestarts,
      wrong_documents_rejected: this.wrongDocumentsRejected,
      duplicates: this.duplicates,
      peak_rss_mb: this.peakRssMb,
      per_worker: this.perWorker(),
      breaker_opens: this.breakerOpens,
      ...(this.concurrencyLowest !== undefined ? { concurrency_lowest: this.concurrencyLowest } : {}),
      direct_downloads: this.directDownloads,
      browser_downloads: this.browserDownloads,
      direct_fallbacks: this.directFallbacks,
    };
  }

  perWorker(): WorkerTally[] {
    return [...this.#workers.values()]
      .map((w) => ({ ...w, busy_seconds: Math.round(w.busy_seconds * 10) / 10 }))
      .sort((a, b) => a.worker.localeCompare(b.worker, 'en', { numeric: true }));
  }
}
