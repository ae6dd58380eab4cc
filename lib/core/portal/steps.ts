import { readFile } from 'node:fs/promises';
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
import { httpStatusError, isLoginPageBody, isLoginUrl, sessionEnded } from './http-outcome.js';
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
      if (profile.login.run) {
        await profile.login.run(page, credentials, ctx);
      } else {
        const response = await page.goto(absolute(ctx, profile.login.path), { waitUntil: 'domcontentloaded' });
        checkResponse(response, 'login page');
        await page.fill(profile.login.usernameSelector, credentials.username);
        await page.fill(profile.login.passwordSelector, credentials.password);
        const [submitted] = await Promise.all([
          page.waitForNavigation({ waitUntil: 'domcontentloaded' }),
          page.click(profile.login.submitSelector),
        ]);
        checkResponse(submitted, 'login');
      }
    } catch (error) {
      if (error instanceof CriticalError || error instanceof ThrottledError) throw error;
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new TransientError(`login failed: ${message}`, 'login_failed', { cause: error });
    }
    if (await page.locator(profile.login.errorSelector).count()) throw new LoginRejectedError();
    const accepted = await acceptLicenseIfShown(page, profile, ctx).catch((error: unknown) => {
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

/**
 * Click a control that downloads a file and return the file's bytes. The download's own HTTP
 * status is checked too: a 429 or 5xx body is the portal's error page, not the document.
 */
export async function downloadByClick(page: Page, selector: string, ctx: StepContext, click: ClickMode = 'dom'): Promise<Buffer> {
  let answer: Response | undefined;
  const onResponse = (response: Response) => {
    if (!answer && response.request().isNavigationRequest() && response.frame() === page.mainFrame()) answer = response;
  };
  page.on('response', onResponse);
  try {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: ctx.stepTimeoutMs }),
      clickControl(page, selector, ctx, click),
    ]);
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
  if (profile.inventory.run) return profile.inventory.run(page, ctx);
  const { clearFiltersSelector, exportSelector } = profile.inventory;
  if (clearFiltersSelector && (await page.locator(clearFiltersSelector).count())) {
    await Promise.all([
      page.waitForNavigation({ timeout: ctx.stepTimeoutMs, waitUntil: 'domcontentloaded' }),
      page.click(clearFiltersSelector, { timeout: ctx.stepTimeoutMs }),
    ]);
    if (onLoginPage(page, profile)) throw new SessionExpiredError('session ended while clearing filters', sessionVersion);
  }
  if (!exportSelector) throw new CriticalError(`profile ${profile.name} has neither an export control nor an inventory hook`);
  const csv = await downloadByClick(page, exportSelector, ctx, profile.clicks);
  return csv.toString('utf8');
}

/** The browser path for one vehicle: open its page, press its download control, return the body. */
export async function fetchDocumentInPage(
  page: Page,
  profile: PortalProfile,
  vehicle: Vehicle,
  ctx: StepContext,
  sessionVersion: number,
): Promise<Buffer> {
  await openPortalPage(page, profile, vehiclePath(profile.document.pagePath, vehicle), `vehicle page ${vehicle.ref}`, ctx, sessionVersion);
  const body = profile.document.run
    ? await profile.document.run(page, vehicle, ctx)
    : await downloadByClick(page, profile.document.downloadSelector, ctx, profile.clicks);
  if (isLoginPageBody(body, profile)) throw sessionEnded(`got the login page instead of ${vehicle.ref}'s PDF`, sessionVersion);
  return body;
}
