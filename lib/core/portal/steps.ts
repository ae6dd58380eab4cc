import { readFile } from 'node:fs/promises';
import { decodeInventoryBytes } from './inventory-text.js';
import type { Browser, BrowserContext, Download, Page, Response } from 'playwright-core';
import {
  LoginRejectedError,
  SessionExpiredError,
  ThrottledError,
  TransientError,
  CriticalError,
  firstLine,
} from '../errors.js';
import type { Credentials, SessionCookie, Vehicle } from '../types.js';
import { hookContext } from './hook-context.js';
import { httpStatusError, isLicenseUrl, isLoginPageBody, isLoginUrl, sessionEnded } from './http-outcome.js';
import { portalUrl, vehiclePath, type BlockableResource, type ClickMode, type PortalProfile, type StepContext } from './profile.js';

export { isLoginPageBody };

/**
 * The default implementations of the profile steps, driven by the profile's selectors.
 * A profile hook replaces one step; the rest stay shared.
 */

const absolute = (ctx: StepContext, path: string): string => portalUrl(ctx.baseUrl, path).toString();

/** Refuse the resource types the profile says the portal works without. */
export async function blockResources(context: BrowserContext, types: readonly BlockableResource[]): Promise<void> {
  if (types.length === 0) return;
  const blocked = new Set<string>(types);
  await context.route('**/*', (route) => {
    if (blocked.has(route.request().resourceType())) return route.abort();
    return route.continue();
  });
}

/** Map an HTTP answer to what happens next; returns normally when the page is usable. */
export function checkResponse(response: Response | null, what: string): void {
  if (!response) return;
  const error = httpStatusError(response.status(), what, response.headers()['retry-after']);
  if (error) throw error;
}

/** Did this navigation land on the login page (session expired or kicked)? */
export function onLoginPage(page: Page, profile: PortalProfile): boolean {
  return isLoginUrl(new URL(page.url()), profile);
}

/**
 * Accept the license if the page shows it. Returns whether it did. Success is the portal's
 * answer to the acceptance itself: the page it then leads to may fail (a 5xx on the
 * inventory) without making the session any less valid.
 */
export async function acceptLicenseIfShown(page: Page, profile: PortalProfile, ctx: StepContext): Promise<boolean> {
  const license = profile.license;
  if (!license?.urlPattern.test(new URL(page.url()).pathname)) return false;
  if (license.run) {
    await acceptWithHook(page, license.run, ctx);
    return true;
  }
  if (!license.acceptSelector) throw new CriticalError(`profile ${profile.name}: license needs acceptSelector or run`, 'bad_config');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame(), {
      timeout: ctx.stepTimeoutMs,
    }),
    page.click(license.acceptSelector, { timeout: ctx.stepTimeoutMs }),
  ]);
  checkResponse(answer, 'license acceptance');
  await page.waitForLoadState('domcontentloaded', { timeout: ctx.stepTimeoutMs }).catch(() => undefined);
  return true;
}

/** A license hook: the first main-frame navigation it causes is the portal's answer to the acceptance. */
async function acceptWithHook(page: Page, run: (page: Page, ctx: StepContext) => Promise<void>, ctx: StepContext): Promise<void> {
  let answer: Response | undefined;
  const onResponse = (response: Response) => {
    if (!answer && response.request().isNavigationRequest() && response.frame() === page.mainFrame()) answer = response;
  };
  page.on('response', onResponse);
  try {
    await run(page, ctx);
  } finally {
    page.off('response', onResponse);
  }
  checkResponse(answer ?? null, 'license acceptance');
  await page.waitForLoadState('domcontentloaded', { timeout: ctx.stepTimeoutMs }).catch(() => undefined);
}

/** Is the portal's error for wrong credentials shown, in the page or any of its frames (a sign-in inside an iframe)? */
async function loginErrorShown(page: Page, selector: string): Promise<boolean> {
  for (const frame of page.frames()) {
    if (await frame.locator(selector).count().catch(() => 0)) return true;
  }
  return false;
}

/** The default fill-and-submit, with the profile's three login selectors. */
async function defaultLogin(page: Page, profile: PortalProfile, credentials: Credentials, ctx: StepContext): Promise<void> {
  const { usernameSelector, passwordSelector, submitSelector } = profile.login;
  if (!usernameSelector || !passwordSelector || !submitSelector) {
    throw new CriticalError(`profile ${profile.name}: login needs usernameSelector, passwordSelector and submitSelector, or login.run`, 'bad_config');
  }
  const response = await page.goto(absolute(ctx, profile.login.path), { waitUntil: 'domcontentloaded' });
  checkResponse(response, 'login page');
  await page.fill(usernameSelector, credentials.username);
  await page.fill(passwordSelector, credentials.password);
  const [submitted] = await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(submitSelector)]);
  checkResponse(submitted, 'login');
}

/**
 * Log in once in a throwaway context and return the session cookies.
 * Wrong credentials are critical: one attempt, no retry (a retry would only lock the account).
 */
export async function loginInBrowser(
  browser: Browser,
  profile: PortalProfile,
  credentials: Credentials,
  ctx: StepContext,
): Promise<SessionCookie[]> {
  const context = await browser.newContext({ acceptDownloads: false });
  try {
    await blockResources(context, profile.blockResources);
    const page = await context.newPage();
    page.setDefaultTimeout(ctx.stepTimeoutMs);
    try {
      if (profile.login.run) await profile.login.run(page, credentials, ctx);
      else await defaultLogin(page, profile, credentials, ctx);
    } catch (error) {
      if (error instanceof CriticalError || error instanceof ThrottledError) throw error;
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new TransientError(`login failed: ${message}`, 'login_failed', { cause: error });
    }
    if (await loginErrorShown(page, profile.login.errorSelector)) throw new LoginRejectedError();
    const accepted = await acceptLicenseIfShown(page, profile, ctx).catch((error: unknown) => {
      if (error instanceof CriticalError) throw error;
      throw new TransientError(`license acceptance failed: ${firstLine(String(error))}`, 'login_failed', { cause: error });
    });
    if (!accepted && onLoginPage(page, profile)) {
      throw new TransientError('login did not leave the login page', 'login_failed');
    }
    return (await context.cookies()) as SessionCookie[];
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** Go to a portal page as a logged-in user, accepting the license if the portal asks again. */
export async function openPortalPage(
  page: Page,
  profile: PortalProfile,
  path: string,
  what: string,
  ctx: StepContext,
  sessionVersion: number,
): Promise<void> {
  for (let pass = 0; pass < 2; pass += 1) {
    const response = await page.goto(absolute(ctx, path), { timeout: ctx.stepTimeoutMs, waitUntil: 'domcontentloaded' });
    if (onLoginPage(page, profile)) {
      throw sessionEnded(`sent to the login page on ${what}`, sessionVersion);
    }
    if (await acceptLicenseIfShown(page, profile, ctx)) continue;
    checkResponse(response, what);
    return;
  }
  throw new TransientError(`the portal keeps asking for the license on ${what}`, 'license_loop');
}

async function readDownload(download: Download): Promise<Buffer> {
  const failure = await download.failure();
  if (failure) throw new TransientError(`download failed: ${failure}`, 'download_failed');
  // Read the finished file, not download.createReadStream(): a stream whose browser dies
  // mid-read rejects inside Playwright where nobody can catch it (an unhandled rejection).
  const path = await download.path();
  return readFile(path);
}

/** The little of the DOM that domClick touches (the project compiles without the DOM library). */
interface ClickableDocument {
  querySelector(selector: string): { click?: () => void } | null;
}

/** Runs in the page: click the first element matching a CSS selector; false when the selector is not CSS or nothing matches yet. */
function domClick(selector: string): boolean {
  const { document } = globalThis as unknown as { document: ClickableDocument };
  let element: { click?: () => void } | null = null;
  try {
    element = document.querySelector(selector);
  } catch {
    return false;
  }
  if (typeof element?.click !== 'function') return false;
  element.click();
  return true;
}

/**
 * Click a control (see `PortalProfile.clicks`). The `dom` click exists for speed: Playwright's
 * click first installs its selector engine in each new document and waits two animation frames
 * for the control to be stable, about 70 ms a vehicle on one page and several times that when
 * four pages share a renderer (measured with `npm run bench`); the DOM click is one round trip.
 */
export async function clickControl(page: Page, selector: string, ctx: StepContext, mode: ClickMode = 'dom'): Promise<void> {
  if (mode === 'dom' && (await page.evaluate(domClick, selector))) return;
  await page.click(selector, { timeout: ctx.stepTimeoutMs });
}

/** What downloadByClick watches for besides the download: the session ending, the license shown again. */
export interface DownloadWatch {
  profile: PortalProfile;
  sessionVersion: number;
}

/** The license came back during a document's download: the caller accepts it in place and tries again. */
class LicenseShownAgain extends TransientError {
  constructor(what: string) {
    super(`the portal asked for the license again on ${what}`, 'license_again');
  }
}

/**
 * Watches a page's answers while a download is awaited: a document or API answer that is the
 * sign-in page (by URL or by `loginPageMarker`) means the session ended, and no download will
 * come; a navigation to the license page means the terms are asked again. Rejects `ended` then.
 */
function watchForEndedSession(page: Page, watch: DownloadWatch, what: string) {
  let fail: (error: Error) => void = () => undefined;
  const ended = new Promise<never>((_resolve, reject) => {
    fail = reject;
  });
  ended.catch(() => undefined);
  const onResponse = (response: Response) => {
    const type = response.request().resourceType();
    if (type !== 'document' && type !== 'xhr' && type !== 'fetch') return;
    if (response.status() >= 300 && response.status() < 400) return;
    const url = new URL(response.url());
    if (isLoginUrl(url, watch.profile)) {
      fail(sessionEnded(`sent to the login page on ${what}`, watch.sessionVersion));
      return;
    }
    if (type === 'document' && response.frame() === page.mainFrame() && isLicenseUrl(url, watch.profile)) {
      fail(new LicenseShownAgain(what));
      return;
    }
    if (!watch.profile.session.loginPageMarker || !/html/i.test(response.headers()['content-type'] ?? '')) return;
    // Resolves once the page's script has read the answer (Chromium holds an unread fetch body).
    response
      .body()
      .then((body) => {
        if (isLoginPageBody(body, watch.profile)) fail(sessionEnded(`got the login page on ${what}`, watch.sessionVersion));
      })
      .catch(() => undefined);
  };
  page.on('response', onResponse);
  return { ended, stop: () => page.off('response', onResponse) };
}

/**
 * Click a control that downloads a file and return the file's bytes. The download's own HTTP
 * status is checked too: a 429 or 5xx body is the portal's error page, not the document. With
 * `watch`, an answer that is the sign-in page ends the wait at once as an ended session (a
 * download that never comes would otherwise cost the whole step timeout and read as an outage).
 */
export async function downloadByClick(
  page: Page,
  selector: string,
  ctx: StepContext,
  click: ClickMode = 'dom',
  watch?: DownloadWatch,
): Promise<Buffer> {
  let answer: Response | undefined;
  const onResponse = (response: Response) => {
    if (!answer && response.request().isNavigationRequest() && response.frame() === page.mainFrame()) answer = response;
  };
  page.on('response', onResponse);
  const watcher = watch ? watchForEndedSession(page, watch, 'download') : undefined;
  try {
    const started = Promise.all([page.waitForEvent('download', { timeout: ctx.stepTimeoutMs }), clickControl(page, selector, ctx, click)]);
    const [download] = await (watcher ? Promise.race([started, watcher.ended]) : started);
    if (answer && answer.status() !== 404) checkResponse(answer, 'download');
    try {
      return await readDownload(download);
    } catch (error) {
      // Chromium cancels a download whose answer is an error; by now its status has arrived.
      if (answer && answer.status() !== 404) checkResponse(answer, 'download');
      throw error;
    }
  } finally {
    page.off('response', onResponse);
    watcher?.stop();
  }
}

/** Export the whole inventory: clear the sticky filters, then download the CSV (or run the profile's hook). */
export async function exportInventory(
  page: Page,
  profile: PortalProfile,
  ctx: StepContext,
  sessionVersion: number,
): Promise<string | Vehicle[]> {
  await openPortalPage(page, profile, profile.inventory.path, 'inventory page', ctx, sessionVersion);
  if (profile.inventory.run) return profile.inventory.run(page, hookContext(ctx, profile, sessionVersion));
  const { clearFiltersSelector, exportSelector } = profile.inventory;
  if (clearFiltersSelector && (await page.locator(clearFiltersSelector).count())) {
    await Promise.all([
      page.waitForNavigation({ timeout: ctx.stepTimeoutMs, waitUntil: 'domcontentloaded' }),
      page.click(clearFiltersSelector, { timeout: ctx.stepTimeoutMs }),
    ]);
    if (onLoginPage(page, profile)) throw new SessionExpiredError('session ended while clearing filters', sessionVersion);
  }
  if (!exportSelector) throw new CriticalError(`profile ${profile.name} has neither an export control nor an inventory hook`);
  const csv = await downloadByClick(page, exportSelector, ctx, profile.clicks, { profile, sessionVersion });
  // UTF-16 with a BOM and gzip without Content-Encoding are decoded; binary is a one-line error.
  return decodeInventoryBytes(csv);
}

/**
 * The browser path for one vehicle: open its page (unless the document hook says it needs
 * none), press its download control or run the hook, return the body. The license asked again
 * during the download is accepted in place, and the download tried once more.
 */
export async function fetchDocumentInPage(
  page: Page,
  profile: PortalProfile,
  vehicle: Vehicle,
  ctx: StepContext,
  sessionVersion: number,
): Promise<Buffer> {
  for (let pass = 0; ; pass += 1) {
    try {
      return await documentInPage(page, profile, vehicle, ctx, sessionVersion);
    } catch (error) {
      if (!(error instanceof LicenseShownAgain) || pass > 0) throw error;
      // The license page's answer came in; the page commits to it a moment later.
      await page.waitForURL((url) => isLicenseUrl(url, profile), { timeout: ctx.stepTimeoutMs, waitUntil: 'domcontentloaded' }).catch(() => undefined);
      if (!(await acceptLicenseIfShown(page, profile, ctx))) throw error;
    }
  }
}

async function documentInPage(page: Page, profile: PortalProfile, vehicle: Vehicle, ctx: StepContext, sessionVersion: number): Promise<Buffer> {
  const { run, openPage = true } = profile.document;
  if (openPage || !run) {
    await openPortalPage(page, profile, vehiclePath(profile.document.pagePath, vehicle), `vehicle page ${vehicle.ref}`, ctx, sessionVersion);
  }
  const body = run
    ? await run(page, vehicle, hookContext(ctx, profile, sessionVersion))
    : await downloadByClick(page, profile.document.downloadSelector, ctx, profile.clicks, { profile, sessionVersion });
  if (isLoginPageBody(body, profile)) throw sessionEnded(`got the login page instead of ${vehicle.ref}'s PDF`, sessionVersion);
  return body;
}
