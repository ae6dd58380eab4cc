import type { Page } from 'playwright-core';
import { TransientError } from '../../core/errors.js';
import { portalUrl, type HookContext } from '../../core/portal/profile.js';
import type { SessionHttp } from '../../core/portal/session-http.js';

/** Reads one JSON page of a feed by its path (and query). */
export type JsonGetter = (path: string) => Promise<unknown>;

/**
 * A JsonGetter through the page's own request context (`page.request`: the page's cookies, no
 * navigation), every answer checked by `ctx.checkApiResponse` (sign-in page = session ended).
 */
export function pageJson(page: Page, ctx: HookContext): JsonGetter {
  return async (path) => {
    const what = `GET ${path.split('?')[0]}`;
    const answer = await page.request.get(portalUrl(ctx.baseUrl, path).toString(), {
      timeout: ctx.stepTimeoutMs,
      headers: { accept: 'application/json' },
    });
    const body = await ctx.checkApiResponse(answer, what);
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new TransientError(`not JSON on ${what}`, 'not_json');
    }
  };
}

/** A JsonGetter through a direct document hook's session client. */
export const httpJson =
  (http: SessionHttp): JsonGetter =>
  (path) =>
    http.json(path);

export interface CursorPagesOptions<T> {
  /** The first page's path; the cursor is appended as `cursorParam`. */
  path: string;
  /** @default 'cursor' */
  cursorParam?: string;
  /** The items of one page (throw, or return undefined, when the page is not the feed's shape). */
  items: (page: unknown) => T[] | undefined;
  /** The next page's cursor; empty or absent = the last page. */
  nextCursor: (page: unknown) => string | null | undefined;
  /** The feed's own total, if it gives one: the items read must add up to it. */
  total?: (page: unknown) => number | undefined;
  /** @default 10_000 */
  maxPages?: number;
}

const withParam = (path: string, name: string, value: string | number): string =>
  `${path}${path.includes('?') ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`;

function pageItems<T>(items: T[] | undefined, what: string): T[] {
  if (!Array.isArray(items)) throw new TransientError(`the inventory feed's ${what} is not in the expected shape`, 'feed_shape');
  return items;
}

function checkTotal(read: number, total: number | undefined): void {
  // A page lost to a glitch must fail the attempt, not silently drop vehicles.
  if (total !== undefined && read !== total) throw new TransientError(`the inventory feed says ${total} vehicles but gave ${read}`, 'feed_incomplete');
}

/**
 * Every item of a cursor-paged JSON feed. A cursor seen twice (a feed that starts over) and a
 * feed longer than `maxPages` fail the attempt instead of looping; so does a total that does not
 * add up.
 */
export async function readCursorPages<T>(get: JsonGetter, options: CursorPagesOptions<T>): Promise<T[]> {
  const param = options.cursorParam ?? 'cursor';
  const maxPages = options.maxPages ?? 10_000;
  const seen = new Set<string>();
  const all: T[] = [];
  let cursor: string | undefined;
  let total: number | undefined;
  for (let n = 1; ; n += 1) {
    const page = await get(cursor === undefined ? options.path : withParam(options.path, param, cursor));
    all.push(...pageItems(options.items(page), `page ${n}`));
    total ??= options.total?.(page);
    const next = options.nextCursor(page);
    if (!next) break;
    if (seen.has(next)) throw new TransientError(`the inventory feed gave cursor ${JSON.stringify(next.slice(0, 40))} twice`, 'feed_loop');
    if (n >= maxPages) throw new TransientError(`the inventory feed has more than ${maxPages} pages`, 'feed_loop');
    seen.add(next);
    cursor = next;
  }
  checkTotal(all.length, total);
  return all;
}

export interface OffsetPagesOptions<T> {
  /** The path; `offsetParam` and `limitParam` are appended. */
  path: string;
  /** @default 'offset' */
  offsetParam?: string;
  /** @default 'limit' */
  limitParam?: string;
  /** Items asked for per page. */
  limit: number;
  items: (page: unknown) => T[] | undefined;
  total?: (page: unknown) => number | undefined;
  /** @default 10_000 */
  maxPages?: number;
}

/** Every item of an offset-paged JSON feed: pages until one comes back short (or the total is reached). */
export async function readOffsetPages<T>(get: JsonGetter, options: OffsetPagesOptions<T>): Promise<T[]> {
  const maxPages = options.maxPages ?? 10_000;
  const all: T[] = [];
  let total: number | undefined;
  for (let n = 1; ; n += 1) {
    const path = withParam(withParam(options.path, options.offsetParam ?? 'offset', all.length), options.limitParam ?? 'limit', options.limit);
    const page = await get(path);
    const items = pageItems(options.items(page), `page ${n}`);
    all.push(...items);
    total ??= options.total?.(page);
    if (items.length < options.limit || (total !== undefined && all.length >= total)) break;
    if (n >= maxPages) throw new TransientError(`the inventory feed has more than ${maxPages} pages`, 'feed_loop');
  }
  checkTotal(all.length, total);
  return all;
}
