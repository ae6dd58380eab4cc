import type { PagePool } from '../browser/page-pool.js';
import { fetchDocumentDirect } from '../core/portal/direct-document.js';
import type { FetchMode, PortalProfile, StepContext } from '../core/portal/profile.js';
import { fetchDocumentInPage } from '../core/portal/steps.js';
import { PathFetcher } from '../core/pipeline/path-fetcher.js';
import type { CounterValues } from '../core/ports.js';
import type { DocumentFetcher } from '../core/pipeline/run-job.js';
import { DirectFetcher } from '../http/direct-fetcher.js';

export interface LocalFetcherOptions {
  /** Resolved by resolveFetchMode. */
  mode: FetchMode;
  profile: PortalProfile;
  ctx: StepContext;
  pool: PagePool;
  /** Parallel workers: also the most sockets the direct path opens to the portal. */
  workers: number;
  /** Adds to the run's counters (which path brought each document). */
  count: (deltas: Partial<CounterValues>) => void;
  log: (line: string) => void;
}

export interface LocalFetcher {
  fetcher: DocumentFetcher;
  /** Workers that opened a page of their own (0 for a run that only used the direct URL). */
  workerPagesOpened: () => number;
  close: () => Promise<void>;
}

/**
 * The local run's document paths: worker pages from the pool, and (unless `browser`) an undici
 * client for the direct URL. Worker pages open lazily, on a worker's first browser fetch, so a
 * direct run uses Chromium only to log in and export the inventory.
 */
export function localFetcher(options: LocalFetcherOptions): LocalFetcher {
  const { profile, ctx, pool } = options;
  const workersWithPages = new Set<string>();
  const browser: DocumentFetcher = {
    async fetch(workerId, vehicle, current) {
      workersWithPages.add(workerId);
      const { page, version } = await pool.page(workerId, current);
      return fetchDocumentInPage(page, profile, vehicle, ctx, version);
    },
    recycle: (workerId) => pool.recycle(workerId),
  };
  const http =
    options.mode === 'browser' ? undefined : new DirectFetcher({
          connections: options.workers,
          stepTimeoutMs: ctx.stepTimeoutMs,
          ...(ctx.maxPdfBytes === undefined ? {} : { maxBodyBytes: ctx.maxPdfBytes }),
        });
  const fetcher = new PathFetcher({
    mode: options.mode,
    browser,
    ...(http ? { direct: (vehicle, session) => fetchDocumentDirect(http.get, profile, vehicle, ctx, session) } : {}),
    count: options.count,
    log: options.log,
  });
  return {
    fetcher,
    workerPagesOpened: () => workersWithPages.size,
    close: async () => http?.close(),
  };
}
