import type { Page } from 'playwright-core';
import { TransientError } from '../../core/errors.js';
import type { StepContext } from '../../core/portal/profile.js';

export interface InfiniteScrollOptions {
  /** One item of the list (CSS). */
  item: string;
  /** Shown when the list has no more items (CSS); without it, the list ends when scrolling adds nothing within the step timeout. */
  end?: string;
  /** @default 10_000 */
  maxRounds?: number;
}

/**
 * Scroll an infinite-scroll list to its end and return how many items it shows. Each round
 * brings the last item into view and waits (event-driven, bounded by `ctx.stepTimeoutMs`) for
 * more items or the end marker. With `end`, a list that stops growing without showing it fails
 * the attempt (a page that did not load is not the end of the inventory).
 */
export async function scrollToEnd(page: Page, ctx: StepContext, options: InfiniteScrollOptions): Promise<number> {
  const item = JSON.stringify(options.item);
  const end = options.end ? JSON.stringify(options.end) : undefined;
  const count = (): Promise<number> => page.locator(options.item).count();
  // Strings, not functions: code that runs in the page must not carry tsx's helpers.
  const ended = end ? `(() => { const e = document.querySelector(${end}); return Boolean(e && !e.hidden); })()` : 'false';
  for (let round = 0; round < (options.maxRounds ?? 10_000); round += 1) {
    const before = await count();
    if (await page.evaluate(ended)) return before;
    await page.evaluate(`(() => { const all = document.querySelectorAll(${item}); const last = all[all.length - 1]; if (last) last.scrollIntoView(); window.scrollTo(0, document.body.scrollHeight); })()`);
    const grew = await page
      .waitForFunction(`document.querySelectorAll(${item}).length > ${before} || ${ended}`, undefined, { timeout: ctx.stepTimeoutMs })
      .then(() => true)
      .catch(() => false);
    if (!grew) {
      if (end) throw new TransientError(`the list stopped at ${before} items without showing its end`, 'list_incomplete');
      return before;
    }
  }
  throw new TransientError(`the list did not end within ${options.maxRounds ?? 10_000} scrolls`, 'list_incomplete');
}

/** The text (or an attribute) of every item of a list, in order. */
export async function listTexts(page: Page, item: string, attribute?: string): Promise<string[]> {
  const items = page.locator(item);
  if (!attribute) return items.allTextContents();
  const values: string[] = [];
  // One round trip per item is fine for a list a person scrolls; evaluateAll would need the DOM types.
  for (const item of await items.all()) values.push((await item.getAttribute(attribute)) ?? '');
  return values;
}
