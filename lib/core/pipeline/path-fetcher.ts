import { classify } from '../errors.js';
import { browserMightSucceed, looksLikePdf } from '../portal/http-outcome.js';
import type { FetchMode } from '../portal/profile.js';
import type { PortalSession, Vehicle } from '../types.js';
import { describeNotPdf } from '../verify/index.js';
import type { CounterValues } from '../ports.js';
import type { DocumentFetcher } from './run-job.js';

/** The two ways a document can come in. */
export type DocumentPath = 'direct' | 'browser';

/** The direct path as the pipeline sees it: the session's cookies in, the body out. */
export type DirectFetch = (vehicle: Vehicle, session: PortalSession) => Promise<Buffer>;

export interface PathFetcherOptions {
  /** The run's mode, as resolveFetchMode decided it. */
  mode: FetchMode;
  /** The direct path; needed unless `mode` is `browser`. */
  direct?: DirectFetch;
  /** The browser path (worker pages): `browser` mode, and vehicles `auto` sends there. */
  browser: DocumentFetcher;
  /** Counts which path brought each stored document, and the fallbacks (direct_downloads, browser_downloads, direct_fallbacks). */
  count?: (deltas: Partial<CounterValues>) => void;
  /**
   * `auto`: after this many fallbacks without a single PDF from the direct URL, the run stops
   * trying it (the portal does not serve it) and goes to the browser at once. @default 10
   */
  giveUpAfterFallbacks?: number;
  log?: (line: string) => void;
}

/**
 * Picks the document path per vehicle. `direct` and `browser` use one path; `auto` tries the
 * direct URL and sends a vehicle to its page when the direct answer is something the page
 * might not give: not a PDF (and not the login page), or a 404 / other 4xx. 5xx, timeouts,
 * 429s and ended sessions are the portal's state, and are retried on the direct path like any
 * failure. A vehicle sent to the browser stays there for its retries.
 */
export class PathFetcher implements DocumentFetcher {
  readonly #mode: FetchMode;
  readonly #direct?: DirectFetch;
  readonly #browser: DocumentFetcher;
  readonly #count: (deltas: Partial<CounterValues>) => void;
  readonly #giveUpAfter: number;
  readonly #log: (line: string) => void;
  readonly #browserRefs = new Set<string>();
  /** The path of the last body fetched per ref, until the attempt's outcome is known. */
  readonly #paths = new Map<string, DocumentPath>();
  /** The path each worker tried last: only a page that was used can need rebuilding. */
  readonly #workerPaths = new Map<string, DocumentPath>();
  #directPdfs = 0;
  #fallbacks = 0;
  #directOff = false;

  constructor(options: PathFetcherOptions) {
    if (options.mode !== 'browser' && !options.direct) throw new Error(`fetch mode ${options.mode} needs a direct fetch`);
    this.#mode = options.mode;
    this.#direct = options.direct;
    this.#browser = options.browser;
    this.#count = options.count ?? (() => undefined);
    this.#giveUpAfter = options.giveUpAfterFallbacks ?? 10;
    this.#log = options.log ?? (() => undefined);
  }

  async fetch(workerId: string, vehicle: Vehicle, session: PortalSession): Promise<Buffer> {
    if (this.#direct && this.#mode !== 'browser' && !this.#directOff && !this.#browserRefs.has(vehicle.ref)) {
      this.#workerPaths.set(workerId, 'direct');
      let why: string;
      try {
        const body = await this.#direct(vehicle, session);
        if (this.#mode === 'direct' || looksLikePdf(body)) {
          this.#directPdfs += 1;
          this.#paths.set(vehicle.ref, 'direct');
          return body;
        }
        why = describeNotPdf(body);
      } catch (error) {
        if (this.#mode === 'direct' || !browserMightSucceed(classify(error))) throw error;
        why = classify(error).message;
      }
      this.#fallBack(vehicle.ref, why);
    }
    this.#workerPaths.set(workerId, 'browser');
    const body = await this.#browser.fetch(workerId, vehicle, session);
    this.#paths.set(vehicle.ref, 'browser');
    return body;
  }

  async recycle(workerId: string): Promise<void> {
    // Only a page has something to rebuild: undici drops a timed-out socket itself.
    if (this.#workerPaths.get(workerId) === 'browser') await this.#browser.recycle(workerId);
  }

  /** The attempt at `ref` ended; `stored` when its document was verified and stored. */
  settled(ref: string, stored: boolean): void {
    const path = this.#paths.get(ref);
    this.#paths.delete(ref);
    if (!stored || !path) return;
    this.#count(path === 'direct' ? { direct_downloads: 1 } : { browser_downloads: 1 });
  }

  #fallBack(ref: string, why: string): void {
    this.#browserRefs.add(ref);
    this.#fallbacks += 1;
    this.#count({ direct_fallbacks: 1 });
    if (this.#fallbacks === 1) this.#log(`direct download of ${ref} unusable (${why}): using its vehicle page instead`);
    if (!this.#directOff && this.#directPdfs === 0 && this.#fallbacks >= this.#giveUpAfter) {
      this.#directOff = true;
      this.#log(`the direct document URL gave no PDF in ${this.#fallbacks} tries: using vehicle pages for the rest of the run`);
    }
  }
}
