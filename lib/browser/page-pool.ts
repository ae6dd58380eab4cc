import type { Browser, BrowserContext, Page } from 'playwright-core';
import { blockResources } from '../core/portal/steps.js';
import type { BlockableResource } from '../core/portal/profile.js';
import type { PortalSession } from '../core/types.js';

export interface PagePoolOptions {
  /** Starts a browser; called again when the browser dies. */
  launch: () => Promise<Browser>;
  /** Resource types every worker page refuses. */
  blockResources: readonly BlockableResource[];
  /** Default timeout of page actions, in ms. */
  stepTimeoutMs: number;
}

/** One worker's lane: its own context (own connection pool) and its page, reused across vehicles. */
interface Lane {
  context: BrowserContext;
  page: Page;
  /** The session version whose cookies this context holds. */
  version: number;
}

/**
 * One browser; per worker one context holding the shared session's cookies and one page,
 * reused across vehicles (never a context per vehicle). A context per worker because
 * Chromium allows 6 connections per host per context: 8 workers in one context queue
 * behind each other, and a request the portal never answers holds a socket until its
 * context closes. A lane that misbehaves is closed and rebuilt; a dead browser is relaunched.
 */
export class PagePool {
  readonly #options: PagePoolOptions;
  #browser?: Browser;
  #launching?: Promise<Browser>;
  readonly #lanes = new Map<string, Promise<Lane>>();
  /** The newest session any caller has handed us; new lanes start with it. */
  #session?: PortalSession;
  #restarts = 0;
  #recycled = 0;

  constructor(options: PagePoolOptions) {
    this.#options = options;
  }

  /** Times the browser was relaunched after it died or was restarted on purpose. */
  get browserRestarts(): number {
    return this.#restarts;
  }

  /** Lanes (context + page) closed and rebuilt after a timeout or repeated failures. */
  get pagesRecycled(): number {
    return this.#recycled;
  }

  /** The live browser (launching it if needed). */
  async browser(): Promise<Browser> {
    if (this.#browser?.isConnected()) return this.#browser;
    if (this.#browser) {
      // It died under us: count it; every lane went with it.
      this.#browser = undefined;
      this.#lanes.clear();
      this.#restarts += 1;
    }
    this.#launching ??= this.#options
      .launch()
      .then((browser) => {
        this.#browser = browser;
        return browser;
      })
      .finally(() => {
        this.#launching = undefined;
      });
    return this.#launching;
  }

  /**
   * This worker's page, holding cookies of `session` or newer. Returns the session version
   * the page really uses: a worker that started with an older session may already have a
   * newer one, and must report that one if the portal turns it away.
   */
  async page(workerId: string, session: PortalSession): Promise<{ page: Page; version: number }> {
    if (!this.#session || session.version > this.#session.version) this.#session = session;
    let lane = await this.#lane(workerId);
    if (lane.page.isClosed() || !this.#browser?.isConnected()) {
      await this.recycle(workerId);
      lane = await this.#lane(workerId);
    }
    const newest = this.#session;
    if (newest.version > lane.version) {
      // Overwrite in place: the context never goes without a session cookie.
      await lane.context.addCookies(newest.cookies);
      lane.version = newest.version;
    }
    return { page: lane.page, version: lane.version };
  }

  /** Close this worker's lane (stuck, hung socket, or failing again and again); the next page() builds a new one. */
  async recycle(workerId: string): Promise<void> {
    const lane = this.#lanes.get(workerId);
    this.#lanes.delete(workerId);
    if (!lane) return;
    this.#recycled += 1;
    await lane.then((l) => l.context.close()).catch(() => undefined);
  }

  /** Relaunch the browser on purpose (every lane is rebuilt). */
  async restart(): Promise<void> {
    const browser = this.#browser;
    this.#browser = undefined;
    this.#lanes.clear();
    this.#restarts += 1;
    await browser?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const browser = this.#browser;
    this.#browser = undefined;
    this.#lanes.clear();
    await browser?.close().catch(() => undefined);
  }

  #lane(workerId: string): Promise<Lane> {
    let lane = this.#lanes.get(workerId);
    if (!lane) {
      lane = this.#openLane();
      this.#lanes.set(workerId, lane);
      // A lane that failed to open is forgotten, so the next call tries again.
      lane.catch(() => {
        if (this.#lanes.get(workerId) === lane) this.#lanes.delete(workerId);
      });
    }
    return lane;
  }

  async #openLane(): Promise<Lane> {
    const browser = await this.browser();
    const context = await browser.newContext({ acceptDownloads: true });
    await blockResources(context, this.#options.blockResources);
    const session = this.#session;
    if (session) await context.addCookies(session.cookies);
    const page = await context.newPage();
    page.setDefaultTimeout(this.#options.stepTimeoutMs);
    return { context, page, version: session?.version ?? 0 };
  }
}
