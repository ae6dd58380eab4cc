import type { Page } from 'playwright-core';
import { TransientError } from '../../core/errors.js';
import type { StepContext } from '../../core/portal/profile.js';
import { checkResponse } from '../../core/portal/steps.js';
import { toCsv } from './csv.js';

export interface GridScrapeOptions {
  /** The grid: a `<table>` with `<thead>` header cells and one `<tbody>` row per vehicle. */
  table: string;
  /** The link or button to the next page; absent on the last page. */
  next: string;
  /** Clears the saved filters; pressed first when `activeFilter` shows any. */
  reset?: string;
  /** Any match means a filter is still active (e.g. filter chips). Without it, `reset` is always pressed. */
  activeFilter?: string;
  /** Where the grid says how many rows there are in all: the text's first number after "of". */
  total?: string;
  /** Header names of columns that are controls, not data (left out of the CSV). */
  skipColumns?: readonly string[];
  /** Did a navigation land on the login page (the session ended mid-scrape)? */
  isLoginUrl: (url: URL) => boolean;
  /** Pages read at most; a grid whose Next never ends is an error. @default 10_000 */
  maxPages?: number;
}

interface GridPage {
  header: string[];
  rows: string[][];
}

/**
 * Read every page of a paginated grid, filters cleared first, and return it as CSV text with
 * the grid's own header names. Columns are found by header name, not position; the row count
 * is checked against the grid's own total, so a page lost to a glitch fails the attempt (it is
 * retried) rather than silently dropping vehicles.
 */
export async function scrapeGridAsCsv(page: Page, ctx: StepContext, options: GridScrapeOptions): Promise<string> {
  await clearFilters(page, ctx, options);
  const expected = options.total ? await readTotal(page, options.total) : undefined;
  const maxPages = options.maxPages ?? 10_000;
  let header: string[] | undefined;
  const rows: string[][] = [];
  for (let pages = 1; ; pages += 1) {
    const current = await readGridPage(page, options.table);
    if (header && current.header.join('\n') !== header.join('\n')) {
      throw new TransientError(`the grid's columns changed on page ${pages}`, 'grid_changed');
    }
    header ??= current.header;
    rows.push(...current.rows);
    if ((await page.locator(options.next).count()) === 0) break;
    if (pages >= maxPages) throw new TransientError(`the grid still has a next page after ${maxPages} pages`, 'grid_endless');
    await navigate(page, ctx, options, () => page.click(options.next, { timeout: ctx.stepTimeoutMs }), `grid page ${pages + 1}`);
  }
  if (expected !== undefined && rows.length !== expected) {
    throw new TransientError(`the grid says ${expected} vehicles but ${rows.length} rows were read`, 'grid_incomplete');
  }
  const keep = header.map((name, i) => (options.skipColumns?.includes(name) ? -1 : i)).filter((i) => i >= 0);
  return toCsv(
    keep.map((i) => header[i]!),
    rows.map((r) => keep.map((i) => r[i] ?? '')),
  );
}

/** Saved filters hide vehicles from the grid (and survive logins): clear them, and make sure they went. */
async function clearFilters(page: Page, ctx: StepContext, options: GridScrapeOptions): Promise<void> {
  const { reset, activeFilter } = options;
  if (!reset) return;
  if (activeFilter && (await page.locator(activeFilter).count()) === 0) return;
  await navigate(page, ctx, options, () => page.click(reset, { timeout: ctx.stepTimeoutMs }), 'filter reset');
  if (activeFilter && (await page.locator(activeFilter).count()) > 0) {
    throw new TransientError('the grid filters are still active after the reset', 'grid_filters');
  }
}

/**
 * Click and wait for the page it leads to. A session that ends mid-scrape cannot be reported
 * from here with its version (hooks are not told it), so it is a transient failure: the next
 * attempt opens the inventory through the core, which sees the login page and renews the session.
 */
async function navigate(page: Page, ctx: StepContext, options: GridScrapeOptions, click: () => Promise<void>, what: string): Promise<void> {
  const [response] = await Promise.all([
    page.waitForNavigation({ timeout: ctx.stepTimeoutMs, waitUntil: 'domcontentloaded' }),
    click(),
  ]);
  if (options.isLoginUrl(new URL(page.url()))) {
    throw new TransientError(`the session ended during the inventory grid (${what}); the next attempt signs in again`, 'grid_session_lost');
  }
  checkResponse(response, what);
}

async function readTotal(page: Page, selector: string): Promise<number | undefined> {
  const text = (await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => null)) ?? '';
  const match = /\bof\s+([\d,.\s]*\d)/i.exec(text);
  return match ? Number(match[1]!.replace(/[^\d]/g, '')) : undefined;
}

/** The little of the DOM the grid reader touches (the project compiles without the DOM library). */
interface DomNode {
  textContent: string | null;
  children: ArrayLike<DomNode>;
  querySelectorAll(selector: string): ArrayLike<DomNode>;
}

async function readGridPage(page: Page, table: string): Promise<GridPage> {
  // One round trip per page, run in the browser. No named helpers inside: tsx/esbuild would
  // wrap them in a `__name` call that does not exist in the page.
  const grid = await page.$eval(table, (t) => {
    const el = t as unknown as DomNode;
    const header = Array.from(el.querySelectorAll(':scope > thead > tr > th'), (th) => (th.textContent ?? '').replace(/\s+/g, ' ').trim());
    const rows = Array.from(el.querySelectorAll(':scope > tbody > tr'), (tr) =>
      Array.from(tr.children, (td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim()),
    );
    return { header, rows };
  });
  if (grid.header.length === 0) throw new TransientError('the inventory grid has no header row', 'grid_changed');
  // A row with another cell count is a placeholder ("No vehicles match"), not a vehicle.
  return { header: grid.header, rows: grid.rows.filter((r) => r.length === grid.header.length) };
}
