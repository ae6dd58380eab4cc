import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { blockResources } from '../core/portal/steps.js';
import type { BlockableResource } from '../core/portal/profile.js';
import type { PortalSession } from '../core/types.js';

/**
 * Chromium opens at most 6 connections per host in one browser context (one network
 * context). A download that stalls mid-body keeps its connection until its context closes,
 * even after its page closed; so a context must never hold more lanes, over its life, than
 * this many connections.
 */
export const CONNECTIONS_PER_HOST = 6;

/**
 * Lanes that share one context by default: the default 8 workers then use two renderer
 * processes (one per core of a small machine), and a renderer that crashes or hangs takes at
 * most 4 lanes with it.
 */
export const DEFAULT_PAGES_PER_CONTEXT = 4;

/**
 * page() calls in a context between two full garbage collections of its renderer, by default.
 * V8 lets a renderer's heap fill with garbage up to its limit before it collects, so without
 * help a renderer grows with every vehicle it shows (docs/PERFORMANCE.md has the figures); a
 * forced collection every few vehicles keeps it near its live size, for some ms of renderer
 * time while the vehicle goes on.
 */
export const DEFAULT_GC_EVERY = 10;

/**
 * page() calls a context serves before it is retired, by default: a backstop for memory a
 * collection cannot give back (a page leaking DOM). A retired context closes once its lanes
 * moved on, and its renderer exits with it; renewing costs a context and a renderer start.
 */
export const DEFAULT_CONTEXT_REUSE_LIMIT = 500;

export interface PagePoolOptions {
  /** Starts a browser; called again when the browser dies. */
  launch: () => Promise<Browser>;
  /** Resource types every worker page refuses. */
  blockResources: readonly BlockableResource[];
  /** Default timeout of page actions, in ms. */
  stepTimeoutMs: number;
  /**
   * Worker pages sharing one browser context (cookies, connection pool, renderer), 1 to
   * CONNECTIONS_PER_HOST. Fewer contexts take less memory: each context needs its own renderer.
   * @default DEFAULT_PAGES_PER_CONTEXT
   */
  pagesPerContext?: number;
  /**
   * page() calls a context serves before it is retired: its lanes move to a fresh context at
   * their next page() (never in the middle of a vehicle), and it closes after the last one.
   * Infinity keeps contexts for the browser's life.
   * @default DEFAULT_CONTEXT_REUSE_LIMIT
   */
  contextReuseLimit?: number;
  /**
   * page() calls in a context between two forced garbage collections of its renderer
   * (Chromium's HeapProfiler.collectGarbage); Infinity never forces one.
   * @default DEFAULT_GC_EVERY
   */
  gcEvery?: number;
}

/** A browser context shared by a few lanes, with the session cookies it holds. */
interface ContextGroup {
  context: BrowserContext;
  /** The session version whose cookies this context holds. */
  version: number;
  /** Cookies being written for a newer version; lanes wait for it instead of writing twice. */
  updating?: Promise<void>;
  /** Lanes open in this context now. */
  live: number;
  /** page() calls served; at the reuse limit the context takes no new lanes and its lanes move on. */
  uses: number;
  /**
   * Lanes closed with a download still unfinished: its connection stays taken until the
   * context closes, so its slot is never handed out again.
   */
  burnt: number;
  closed: boolean;
}

/** One worker's lane: its page, in a context it may share with a few other lanes. */
interface Lane {
  group: ContextGroup;
  page: Page;
  /** Downloads of this page not yet finished (stalled ones hold a connection). */
  openDownloads: Set<Download>;
}

/**
 * One browser; worker pages ("lanes") reused across vehicles, a few per browser context (never
 * a context per vehicle). Sharing contexts saves memory (a context's pages can share a renderer
 * process, see launch.ts) but must not bring back starvation: a context gets at most
 * `pagesPerContext` (<= 6) lanes, and a lane closed while its download was unfinished burns its
 * slot for good, so the lanes' connections plus the stalled ones never exceed Chromium's 6 per
 * host per context. A context whose lanes are all gone and that holds a stalled connection is
 * closed, which frees it. Every `gcEvery` vehicles a context's renderer is garbage-collected,
 * and after `contextReuseLimit` the context is retired, so renderers do not grow with the run.
 * A lane that misbehaves is closed and rebuilt; a dead browser is relaunched.
 */
export class PagePool {
  readonly #options: PagePoolOptions;
  readonly #pagesPerContext: number;
  readonly #reuseLimit: number;
  readonly #gcEvery: number;
  #browser?: Browser;
  #launching?: Promise<Browser>;
  /** A context being created; lanes that find no room wait for it. */
  #creating?: Promise<void>;
  readonly #lanes = new Map<string, Promise<Lane>>();
  #groups: ContextGroup[] = [];
  /** The newest session any caller has handed us; new lanes start with it. */
  #session?: PortalSession;
  #restarts = 0;
  #recycled = 0;
  #gcRuns = 0;

  constructor(options: PagePoolOptions) {
    const perContext = options.pagesPerContext ?? DEFAULT_PAGES_PER_CONTEXT;
    if (!Number.isInteger(perContext) || perContext < 1 || perContext > CONNECTIONS_PER_HOST) {
      throw new Error(`pagesPerContext must be a whole number from 1 to ${CONNECTIONS_PER_HOST}, got ${perContext}`);
    }
    const reuseLimit = options.contextReuseLimit ?? DEFAULT_CONTEXT_REUSE_LIMIT;
    if (!(reuseLimit >= 1)) throw new Error(`contextReuseLimit must be at least 1, got ${reuseLimit}`);
    const gcEvery = options.gcEvery ?? DEFAULT_GC_EVERY;
    if (!(gcEvery >= 1)) throw new Error(`gcEvery must be at least 1, got ${gcEvery}`);
    this.#options = options;
    this.#pagesPerContext = perContext;
    this.#reuseLimit = reuseLimit;
    this.#gcEvery = gcEvery;
  }

  /** Times the browser was relaunched after it died or was restarted on purpose. */
  get browserRestarts(): number {
    return this.#restarts;
  }

  /** Lanes closed and rebuilt after a timeout or repeated failures. */
  get pagesRecycled(): number {
    return this.#recycled;
  }

  /** Forced renderer garbage collections so far. */
  get garbageCollections(): number {
    return this.#gcRuns;
  }

  /** Browser contexts open now (for tests and measurements). */
  get openContexts(): number {
    return this.#groups.filter((g) => !g.closed).length;
  }

  /** The live browser (launching it if needed). */
  async browser(): Promise<Browser> {
    if (this.#browser?.isConnected()) return this.#browser;
    if (this.#browser) {
      // It died under us: count it; every lane and context went with it.
      this.#forgetBrowser();
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
    if (lane.page.isClosed() || lane.group.closed || !this.#browser?.isConnected()) {
      await this.recycle(workerId);
      lane = await this.#lane(workerId);
    } else if (lane.group.uses >= this.#reuseLimit) {
      // Between two vehicles: move to a fresh context, so the retired one can close.
      this.#lanes.delete(workerId);
      await this.#leave(lane);
      lane = await this.#lane(workerId);
    }
    lane.group.uses += 1;
    if (lane.group.uses % this.#gcEvery === 0) this.#collectGarbage(lane.page);
    await this.#refreshCookies(lane.group);
    return { page: lane.page, version: lane.group.version };
  }

  /** Close this worker's lane (stuck, hung socket, or failing again and again); the next page() builds a new one. */
  async recycle(workerId: string): Promise<void> {
    const pending = this.#lanes.get(workerId);
    this.#lanes.delete(workerId);
    if (!pending) return;
    this.#recycled += 1;
    const lane = await pending.catch(() => undefined);
    if (lane) await this.#leave(lane);
  }

  /** Close a lane's page; close its context too when that was its last lane and the context is spent. */
  async #leave(lane: Lane): Promise<void> {
    const { group } = lane;
    group.live -= 1;
    if (lane.openDownloads.size > 0) group.burnt += 1;
    const spent = group.burnt > 0 || group.uses >= this.#reuseLimit;
    if (group.live === 0 && spent) {
      // Nobody left to starve, and only closing the context frees a stalled download's
      // connection (or, for a retired context, its renderer's memory).
      await this.#closeGroup(group);
    } else {
      await lane.page.close().catch(() => undefined);
    }
  }

  /** Relaunch the browser on purpose (every lane is rebuilt). */
  async restart(): Promise<void> {
    const browser = this.#browser;
    this.#forgetBrowser();
    this.#restarts += 1;
    await browser?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const browser = this.#browser;
    this.#forgetBrowser();
    await browser?.close().catch(() => undefined);
  }

  #forgetBrowser(): void {
    this.#browser = undefined;
    this.#lanes.clear();
    for (const group of this.#groups) group.closed = true;
    this.#groups = [];
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
    const group = await this.#reserveSlot();
    try {
      const page = await group.context.newPage();
      page.setDefaultTimeout(this.#options.stepTimeoutMs);
      const openDownloads = new Set<Download>();
      page.on('download', (download) => {
        openDownloads.add(download);
        // path() settles when the download finishes, fails or its context closes.
        const settle = () => openDownloads.delete(download);
        download.path().then(settle, settle);
      });
      return { group, page, openDownloads };
    } catch (error) {
      group.live -= 1;
      throw error;
    }
  }

  /**
   * Take a slot in a context with room, or in a new one. The slot is taken in the same tick as
   * the search, and contexts are created one at a time, so concurrent lanes never overfill one.
   */
  async #reserveSlot(): Promise<ContextGroup> {
    for (;;) {
      const browser = await this.browser();
      const open = this.#groups.find((g) => !g.closed && g.uses < this.#reuseLimit && g.live + g.burnt < this.#pagesPerContext);
      if (open) {
        open.live += 1;
        return open;
      }
      this.#creating ??= this.#newGroup(browser).finally(() => {
        this.#creating = undefined;
      });
      await this.#creating;
    }
  }

  async #newGroup(browser: Browser): Promise<void> {
    const context = await browser.newContext({ acceptDownloads: true });
    const group: ContextGroup = { context, version: 0, live: 0, uses: 0, burnt: 0, closed: false };
    try {
      await blockResources(context, this.#options.blockResources);
      await this.#refreshCookies(group);
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
    // A browser that died meanwhile took the context with it.
    if (this.#browser === browser) this.#groups.push(group);
    else await context.close().catch(() => undefined);
  }

  /**
   * A full garbage collection in the page's renderer (which the context's other pages share,
   * see launch.ts), not awaited: it runs between the renderer's tasks while the vehicle goes on.
   * Forced collections run this often; a failure (the page closing meanwhile) changes nothing.
   */
  #collectGarbage(page: Page): void {
    this.#gcRuns += 1;
    void (async () => {
      const cdp = await page.context().newCDPSession(page);
      try {
        await cdp.send('HeapProfiler.collectGarbage');
      } finally {
        await cdp.detach().catch(() => undefined);
      }
    })().catch(() => undefined);
  }

  /** Give the context the newest session's cookies (overwritten in place: it never goes without one). */
  async #refreshCookies(group: ContextGroup): Promise<void> {
    while (group.updating) await group.updating;
    const newest = this.#session;
    if (!newest || newest.version <= group.version || group.closed) return;
    group.updating = group.context.addCookies(newest.cookies).then(() => {
      group.version = Math.max(group.version, newest.version);
    });
    try {
      await group.updating;
    } finally {
      group.updating = undefined;
    }
  }

  async #closeGroup(group: ContextGroup): Promise<void> {
    group.closed = true;
    this.#groups = this.#groups.filter((g) => g !== group);
    await group.context.close().catch(() => undefined);
  }
}
