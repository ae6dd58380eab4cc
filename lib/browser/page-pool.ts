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

/**
 * One browser, one context that holds the shared session cookies, one page per worker.
 * Pages are reused across vehicles (no per-vehicle context), recycled when a worker's page
 * misbehaves, and the whole browser is relaunched when it dies.
 */
export class PagePool {
  readonly #options: PagePoolOptions;
  #browser?: Browser;
  #context?: BrowserContext;
  #starting?: Promise<BrowserContext>;
  readonly #pages = new Map<string, Page>();
  #appliedVersion = 0;
  #session?: PortalSession;
  #applying: Promise<void> = Promise.resolve();
  #restarts = 0;
  #recycled = 0;

  constructor(options: PagePoolOptions) {
    this.#options = options;
  }

  /** Times the browser was relaunched after it died or was restarted on purpose. */
  get browserRestarts(): number {
    return this.#restarts;
  }

  get pagesRecycled(): number {
    return this.#recycled;
  }

  /** The live browser (launching it if needed). */
  async browser(): Promise<Browser> {
    await this.#ensureContext();
    return this.#browser!;
  }

  /** The session version whose cookies the shared context holds. */
  get appliedVersion(): number {
    return this.#appliedVersion;
  }

  /**
   * Put the session's cookies in the shared context if they are newer than what it has.
   * Cookies are overwritten in place (never cleared first) and the version is published
   * only once they are in, so no page ever navigates with no cookie or an unannounced one.
   */
  async applySession(session: PortalSession): Promise<void> {
    await this.#applying;
    if (session.version <= this.#appliedVersion && this.#context) return;
    if (!this.#session || session.version > this.#session.version) this.#session = session;
    this.#applying = (async () => {
      const context = await this.#ensureContext();
      if (session.version <= this.#appliedVersion) return;
      await context.addCookies(session.cookies);
      this.#appliedVersion = session.version;
    })();
    await this.#applying;
  }

  /** This worker's page, created on first use. */
  async page(workerId: string): Promise<Page> {
    const existing = this.#pages.get(workerId);
    if (existing && !existing.isClosed()) return existing;
    const context = await this.#ensureContext();
    const page = await context.newPage();
    page.setDefaultTimeout(this.#options.stepTimeoutMs);
    this.#pages.set(workerId, page);
    return page;
  }

  /** Throw away this worker's page (stuck, crashed, or failing again and again). */
  async recycle(workerId: string): Promise<void> {
    const page = this.#pages.get(workerId);
    this.#pages.delete(workerId);
    if (page) {
      this.#recycled += 1;
      await page.close({ runBeforeUnload: false }).catch(() => undefined);
    }
  }

  /** Relaunch the browser (after it died, or on purpose when every page keeps failing). */
  async restart(): Promise<void> {
    const browser = this.#browser;
    this.#browser = undefined;
    this.#context = undefined;
    this.#pages.clear();
    this.#appliedVersion = 0;
    this.#restarts += 1;
    await browser?.close().catch(() => undefined);
    await this.#ensureContext();
  }

  async close(): Promise<void> {
    const browser = this.#browser;
    this.#browser = undefined;
    this.#context = undefined;
    this.#pages.clear();
    await browser?.close().catch(() => undefined);
  }

  async #ensureContext(): Promise<BrowserContext> {
    if (this.#context && this.#browser?.isConnected()) return this.#context;
    if (this.#browser && !this.#browser.isConnected()) {
      // It died under us: count it and start over with the last session.
      this.#browser = undefined;
      this.#context = undefined;
      this.#pages.clear();
      this.#appliedVersion = 0;
      this.#restarts += 1;
    }
    this.#starting ??= (async () => {
      const browser = await this.#options.launch();
      const context = await browser.newContext({ acceptDownloads: true });
      await blockResources(context, this.#options.blockResources);
      this.#browser = browser;
      this.#context = context;
      if (this.#session) {
        await context.addCookies(this.#session.cookies);
        this.#appliedVersion = this.#session.version;
      }
      return context;
    })().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }
}
