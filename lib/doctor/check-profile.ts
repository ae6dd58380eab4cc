import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MemorySessionStore } from '../adapters/memory/index.js';
import { InputError } from '../core/errors.js';
import { loadInventory } from '../core/pipeline/load-inventory.js';
import { directDocumentUrl, fetchDocumentDirect } from '../core/portal/direct-document.js';
import { resolveFetchMode } from '../core/portal/fetch-mode.js';
import type { FetchMode, PortalProfile, StepContext } from '../core/portal/profile.js';
import { SessionManager } from '../core/portal/session-manager.js';
import { blockResources, fetchDocumentInPage, loginInBrowser } from '../core/portal/steps.js';
import type { Credentials, PortalSession, Vehicle } from '../core/types.js';
import { PdfVerifier } from '../core/verify/index.js';
import { DirectFetcher } from '../http/direct-fetcher.js';
import { diagnose, type Diagnosis } from './diagnose.js';

/** The steps `fleetpdf check` walks, in order: the ones every run goes through. */
export type CheckStep = 'login' | 'license' | 'inventory' | 'document';

export interface StepReport {
  step: CheckStep;
  ok: boolean;
  /** How long the step took; absent for the license, which the login step accepts. */
  ms?: number;
  /** What it found (passed), or what went wrong (failed). */
  detail: string;
  failure?: Diagnosis;
}

export interface CheckReport {
  ok: boolean;
  steps: StepReport[];
  /** Folder with screenshot.png, page.html and trace.zip of the failed step. */
  artifacts?: string;
}

export interface CheckOptions {
  profile: PortalProfile;
  portalUrl: string;
  credentials: Credentials;
  /** The vehicle whose document is fetched. @default the inventory's first */
  ref?: string;
  stepTimeoutMs: number;
  fetchMode?: FetchMode;
  /** Where a failure's folder is made (`<dir>/check-<time>`). */
  artifactsDir: string;
  launch: () => Promise<Browser>;
  /** Each step's report, as soon as it is known. */
  onStep?: (step: StepReport) => void;
}

/**
 * The profile doctor: one login, the license, the inventory export and one vehicle's document,
 * with the very steps a run uses (steps.ts, loadInventory, the direct path, the PDF verifier),
 * each timed and reported; the first failure is diagnosed and its page saved with a trace.
 */
export async function checkProfileAgainstPortal(options: CheckOptions): Promise<CheckReport> {
  const { profile } = options;
  const ctx: StepContext = { baseUrl: options.portalUrl, stepTimeoutMs: options.stepTimeoutMs };
  const steps: StepReport[] = [];
  const report = (step: StepReport) => {
    steps.push(step);
    options.onStep?.(step);
  };
  const browser = await options.launch();
  const traced = new TracedBrowser(browser);
  const verifier = new PdfVerifier({ threads: 1 });
  let direct: DirectFetcher | undefined;
  let step: CheckStep = 'login';
  let started = performance.now();
  let lastBody: { url: string; body: Buffer } | undefined;
  try {
    // login (and the license, which the login step accepts when the portal shows it)
    const session = new SessionManager({
      store: new MemorySessionStore(),
      login: () => loginInBrowser(traced.browser, profile, options.credentials, ctx),
    });
    let current: PortalSession;
    try {
      current = await session.current();
    } catch (error) {
      if (/^license acceptance failed/.test((error as Error).message)) step = 'license';
      throw error;
    }
    const loginContext = traced.contexts[0];
    const licenseUrl = traced.licenseUrl(profile);
    report({ step: 'login', ok: true, ms: performance.now() - started, detail: `signed in as ${options.credentials.username}: ${current.cookies.length} cookie(s)` });
    report({
      step: 'license',
      ok: true,
      detail: !profile.license ? 'none in the profile' : licenseUrl ? `accepted (${licenseUrl})` : 'not shown after the login',
    });
    await traced.discard(loginContext);

    // inventory, on a page holding the session, as a worker page would
    step = 'inventory';
    started = performance.now();
    const page = await traced.page(profile, current, ctx);
    const inventory = await loadInventory({ profile, session, ctx, page: async () => ({ page, version: current.version }), attempts: 1 });
    if (inventory.vehicles.length === 0) {
      throw new InputError(`the inventory has no vehicle${inventory.skipped.length ? ` (${inventory.skipped.length} line(s) skipped: ${inventory.skipped[0]!.reason})` : ''}`);
    }
    const vehicle = pickVehicle(inventory.vehicles, options.ref);
    const skipped = inventory.skipped.length ? `, ${inventory.skipped.length} skipped (first: ${inventory.skipped[0]!.reason})` : '';
    report({ step: 'inventory', ok: true, ms: performance.now() - started, detail: `${inventory.vehicles.length} vehicles${skipped}` });

    // document: the path a run takes first (direct when the profile has a direct URL)
    step = 'document';
    started = performance.now();
    const mode = resolveFetchMode(profile, options.fetchMode ?? 'auto');
    let body: Buffer;
    let how: string;
    if (mode === 'browser') {
      body = await fetchDocumentInPage(page, profile, vehicle, ctx, current.version);
      how = `vehicle page ${new URL(page.url()).pathname}`;
    } else {
      direct = new DirectFetcher({ connections: 1, stepTimeoutMs: ctx.stepTimeoutMs });
      const http = direct;
      const url = directDocumentUrl(profile, vehicle, ctx.baseUrl)!;
      body = await fetchDocumentDirect(
        async (request) => {
          const answer = await http.get(request);
          lastBody = { url: request.url.toString(), body: answer.body };
          return answer;
        },
        profile,
        vehicle,
        ctx,
        current,
      );
      how = `direct GET ${url.pathname}`;
    }
    lastBody = { url: how, body };
    const verified = await verifier.verify(body, vehicle);
    report({
      step: 'document',
      ok: true,
      ms: performance.now() - started,
      detail: `${vehicle.ref}: ${body.length} bytes via ${how}, a PDF that names ${vehicle.ref} (verifies; sha256 ${verified.sha256.slice(0, 12)})`,
    });
    return { ok: true, steps };
  } catch (error) {
    const page = traced.lastPage();
    const failure = await diagnose(error, profile, page, ctx.stepTimeoutMs, stepSelectors(profile, step));
    const artifacts = await traced.saveArtifacts(join(options.artifactsDir, `check-${stamp()}`), lastBody);
    report({ step, ok: false, ms: performance.now() - started, detail: failure.what, failure });
    return { ok: false, steps, artifacts };
  } finally {
    await direct?.close();
    await verifier.close();
    await browser.close().catch(() => undefined);
  }
}

/** The selectors of the profile a step clicks, in the order it clicks them. */
function stepSelectors(profile: PortalProfile, step: CheckStep): string[] {
  const { login, license, inventory, document } = profile;
  const all: Record<CheckStep, (string | undefined)[]> = {
    login: [login.usernameSelector, login.passwordSelector, login.submitSelector],
    license: [license?.acceptSelector],
    // The clear-filters control is optional (clicked only when shown): not a suspect.
    inventory: [inventory.exportSelector],
    document: [document.downloadSelector],
  };
  return all[step].filter((s): s is string => typeof s === 'string');
}

function pickVehicle(vehicles: Vehicle[], ref: string | undefined): Vehicle {
  if (ref === undefined) return vehicles[0]!;
  const found = vehicles.find((v) => v.ref === ref);
  if (!found) throw new InputError(`--ref ${ref} is not in the inventory (${vehicles.length} vehicles; the first is ${vehicles[0]!.ref})`);
  return found;
}

const delay = (ms: number): Promise<undefined> => new Promise((resolve) => setTimeout(resolve, ms, undefined).unref());

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
}

/**
 * The browser the doctor hands to the real steps: every context it makes is traced, and a
 * context the login step closes stays open until the doctor is done with it, so a failed
 * login's page can still be photographed.
 */
class TracedBrowser {
  readonly contexts: BrowserContext[] = [];
  readonly browser: Browser;
  readonly #navigations: string[] = [];

  constructor(real: Browser) {
    const contexts = this.contexts;
    const navigations = this.#navigations;
    this.browser = new Proxy(real, {
      get(target, prop) {
        if (prop === 'newContext') {
          return async (...args: Parameters<Browser['newContext']>) => {
            const context = await target.newContext(...args);
            await context.tracing.start({ screenshots: true, snapshots: true });
            context.on('page', (page) => page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations.push(frame.url())));
            contexts.push(context);
            return keepOpen(context);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** The license page the login went through, if it did. */
  licenseUrl(profile: PortalProfile): string | undefined {
    const pattern = profile.license?.urlPattern;
    const hit = pattern && this.#navigations.map((u) => new URL(u)).find((u) => pattern.test(u.pathname));
    return hit ? hit.pathname : undefined;
  }

  /** A page with the session's cookies, in a traced context, like a worker page. */
  async page(profile: PortalProfile, session: PortalSession, ctx: StepContext): Promise<Page> {
    const context = await this.browser.newContext({ acceptDownloads: true });
    await blockResources(context, profile.blockResources);
    await context.addCookies(session.cookies);
    const page = await context.newPage();
    page.setDefaultTimeout(ctx.stepTimeoutMs);
    return page;
  }

  /** The step's page: the newest page of the newest context. */
  lastPage(): Page | undefined {
    const context = this.contexts.at(-1);
    return context?.pages().at(-1);
  }

  async discard(context: BrowserContext | undefined): Promise<void> {
    if (!context) return;
    this.contexts.splice(this.contexts.indexOf(context), 1);
    await context.tracing.stop().catch(() => undefined);
    await context.close().catch(() => undefined);
  }

  /** screenshot.png, page.html and trace.zip of the newest context (and the last body fetched, if any) into `dir`. */
  async saveArtifacts(dir: string, lastBody: { url: string; body: Buffer } | undefined): Promise<string> {
    mkdirSync(dir, { recursive: true });
    const page = this.lastPage();
    if (page) {
      await page.screenshot({ path: join(dir, 'screenshot.png'), fullPage: true, timeout: 3000 }).catch(() => undefined);
      // A page stuck on a hung answer may never hand over its content: a moment, then without it.
      const html = await Promise.race([page.content().catch(() => undefined), delay(2000)]);
      if (html !== undefined) writeFileSync(join(dir, 'page.html'), html);
    }
    if (lastBody) {
      const isPdf = lastBody.body.subarray(0, 5).toString('latin1') === '%PDF-';
      writeFileSync(join(dir, isPdf ? 'body.pdf' : 'body.html'), lastBody.body);
      writeFileSync(join(dir, 'body-url.txt'), `${lastBody.url}\n`);
    }
    const context = this.contexts.at(-1);
    if (context) await context.tracing.stop({ path: join(dir, 'trace.zip') }).catch(() => undefined);
    return dir;
  }
}

/** The context as the steps see it, except that close() waits for the doctor. */
function keepOpen(context: BrowserContext): BrowserContext {
  return new Proxy(context, {
    get(target, prop) {
      if (prop === 'close') return async () => undefined;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
