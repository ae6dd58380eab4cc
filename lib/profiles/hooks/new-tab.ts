import { readFile } from 'node:fs/promises';
import type { Download, Page, Response } from 'playwright-core';
import { TransientError } from '../../core/errors.js';
import type { StepContext } from '../../core/portal/profile.js';
import { checkResponse } from '../../core/portal/steps.js';

export interface NewTabOptions {
  /**
   * Pages the tab shows on its way to the document ("Preparing your sticker..."), by URL path:
   * waited past, never taken as the answer (unless they answer with an error status).
   */
  interstitial?: RegExp;
  /** What the tab is called in errors. @default 'new tab' */
  what?: string;
}

/**
 * Runs in the page before the click: `window.open` and links with a target other than the page
 * itself record the URL the tab would open instead of opening it. `window.open` returns a stand-in
 * window, so portals that open a blank tab and set its location afterwards are followed too.
 * A string, so it runs in the page as written (and compiles without the DOM library).
 */
const TAB_RECORDER = `(() => {
  window.__fleetpdfTab = null;
  if (window.__fleetpdfRecorder) return;
  window.__fleetpdfRecorder = true;
  const record = (url) => {
    if (url === undefined || url === null || String(url) === '' || String(url) === 'about:blank') return;
    try { window.__fleetpdfTab = String(new URL(String(url), document.baseURI)); } catch (e) {}
  };
  window.open = (url) => {
    record(url);
    const location = { assign: record, replace: record, toString: () => location.href };
    Object.defineProperty(location, 'href', { get: () => window.__fleetpdfTab || 'about:blank', set: record });
    const tab = { closed: false, opener: window, focus() {}, blur() {}, postMessage() {}, close() { tab.closed = true; },
      document: { open() {}, write() {}, writeln() {}, close() {} } };
    Object.defineProperty(tab, 'location', { get: () => location, set: record });
    return tab;
  };
  window.addEventListener('click', (event) => {
    const link = event.target && event.target.closest ? event.target.closest('a[href][target]') : null;
    const target = link ? link.target.toLowerCase() : '';
    if (!link || target === '' || target === '_self' || target === '_parent' || target === '_top') return;
    event.preventDefault();
    record(link.href);
  }, true);
})()`;

/**
 * Click a control that opens the document in a new tab (a target=_blank link or window.open),
 * and return what that tab ends on: the PDF's bytes, or the HTML of a page that is not an
 * interstitial (the login page, a notice), which the caller's checks then recognise. An error
 * status on the way (429, 5xx, 404, 403) throws the matching error.
 *
 * The click does not open the tab itself: its URL is recorded and loaded in a tab this function
 * opens, listens to from before its first request, and closes. Letting the portal's window.open
 * open it lost the click (the handler never ran) for about one vehicle in ten once worker pages
 * share a browser context, and a popup's first answer reaches Playwright before the popup does.
 * Only this tab is closed afterwards: closing "every page but mine" (the seeds' recovery) would
 * close other workers' pages.
 */
export async function downloadFromNewTab(page: Page, selector: string, ctx: StepContext, options: NewTabOptions = {}): Promise<Buffer> {
  const what = options.what ?? 'new tab';
  await page.evaluate(TAB_RECORDER);
  await page.click(selector, { timeout: ctx.stepTimeoutMs });
  const url = await page
    .waitForFunction('window.__fleetpdfTab', undefined, { polling: 50, timeout: ctx.stepTimeoutMs })
    .then((handle) => handle.jsonValue() as Promise<string>)
    .catch(async (error: unknown) => {
      if (!(error instanceof Error) || error.name !== 'TimeoutError') throw error;
      // Opened some other way (a form with target=_blank?): no tab of ours may stay open.
      await closeTabsOpenedBy(page);
      throw new TransientError(`the ${what} control opened no tab fleetpdf could follow within ${ctx.stepTimeoutMs} ms`, 'timeout');
    });
  // Same context: the session cookies and the blocked resource types come along.
  const tab = await page.context().newPage();
  try {
    tab.setDefaultTimeout(ctx.stepTimeoutMs);
    return await loadDocument(tab, url, ctx, what, options);
  } finally {
    // Closing the tab also cancels whatever it still loads (a hung request, a late redirect).
    await tab.close().catch(() => undefined);
  }
}

/**
 * Navigate a fresh tab to a URL whose answer is a document and return it, following redirects
 * and interstitials. Chromium without a PDF viewer (headless shell) turns a PDF into a
 * download, whose bytes come with the download event; one that shows it gives them through the
 * response.
 */
async function loadDocument(tab: Page, url: string, ctx: StepContext, what: string, options: NewTabOptions): Promise<Buffer> {
  const answer = deferred<Buffer>();
  const onDownload = (download: Download) => void readDownload(download, what).then(answer.resolve, answer.reject);
  const onResponse = (response: Response) => {
    if (!response.request().isNavigationRequest() || !inMainFrame(response, tab)) return;
    void readAnswer(response, what, options).then((body) => body && answer.resolve(body), answer.reject);
  };
  tab.on('download', onDownload);
  tab.on('response', onResponse);
  const timer = setTimeout(
    () => answer.reject(new TransientError(`the ${what} brought no document within ${ctx.stepTimeoutMs} ms`, 'timeout')),
    ctx.stepTimeoutMs,
  );
  try {
    tab.goto(url, { waitUntil: 'commit', timeout: ctx.stepTimeoutMs }).catch((error: unknown) => {
      // A download or the interstitial's own redirect ends this navigation early: the events carry on.
      if (!/Download is starting|ERR_ABORTED|interrupted by another navigation/i.test(String(error))) answer.reject(error);
    });
    return await answer.promise;
  } finally {
    clearTimeout(timer);
    tab.off('download', onDownload);
    tab.off('response', onResponse);
  }
}

/** Close the pages this page opened, and only those: other workers' pages may share the context. */
async function closeTabsOpenedBy(page: Page): Promise<void> {
  const others = page.context().pages().filter((p) => p !== page);
  const openers = await Promise.all(others.map((p) => p.opener().catch(() => null)));
  await Promise.all(others.filter((_, i) => openers[i] === page).map((p) => p.close().catch(() => undefined)));
}

/** One navigation answer: the body, an error, or undefined to keep waiting. */
async function readAnswer(response: Response, what: string, options: NewTabOptions): Promise<Buffer | undefined> {
  const status = response.status();
  if (status >= 300 && status < 400) return undefined; // a redirect hop: the next answer follows
  checkResponse(response, what);
  if (isPdfAnswer(response.headers())) {
    // Shown in the page, the body is readable; turned into a download it is not, and the download brings it.
    return response.body().catch(() => undefined);
  }
  if (options.interstitial?.test(new URL(response.url()).pathname)) return undefined;
  return response.body();
}

function inMainFrame(response: Response, tab: Page): boolean {
  try {
    return response.frame() === tab.mainFrame();
  } catch {
    return false; // no frame: not this page's document
  }
}

function isPdfAnswer(headers: Record<string, string>): boolean {
  return /application\/pdf/i.test(headers['content-type'] ?? '') || /attachment/i.test(headers['content-disposition'] ?? '');
}

async function readDownload(download: Download, what: string): Promise<Buffer> {
  const failure = await download.failure();
  if (failure) throw new TransientError(`the ${what}'s download failed: ${failure}`, 'download_failed');
  // The finished file, not a stream: see readDownload in lib/core/portal/steps.ts.
  return readFile(await download.path());
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** The first settle wins; a rejection nobody awaits yet is not an unhandled one. */
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
