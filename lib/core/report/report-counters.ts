import type { CounterValues } from '../ports.js';
import type { PerWorkerStats, ReportCounters } from './types.js';

/** What the run knows besides its counters store: both runtimes measure these their own way. */
export interface RunFigures {
  sessionRefreshes: number;
  peakRssMb: number;
  perWorker: PerWorkerStats[];
  concurrencyLowest?: number;
}

/** The report's counters, from a run's counter store and its figures (the same shape locally and in the cloud). */
export function reportCounters(values: CounterValues, figures: RunFigures): ReportCounters {
  return {
    retries: values.retries,
    session_refreshes: figures.sessionRefreshes,
    browser_restarts: values.browser_restarts,
    wrong_documents_rejected: values.wrong_documents_rejected,
    duplicates: values.duplicates,
    peak_rss_mb: figures.peakRssMb,
    per_worker: figures.perWorker,
    breaker_opens: values.breaker_opens,
    ...(figures.concurrencyLowest !== undefined ? { concurrency_lowest: figures.concurrencyLowest } : {}),
    direct_downloads: values.direct_downloads,
    browser_downloads: values.browser_downloads,
    direct_fallbacks: values.direct_fallbacks,
  };
}
