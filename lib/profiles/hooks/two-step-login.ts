import type { Page, Response } from 'playwright-core';
import type { StepContext } from '../../core/portal/profile.js';
import { checkResponse } from '../../core/portal/steps.js';
import type { Credentials } from '../../core/types.js';

export interface TwoStepLoginSelectors {
  /** Path of the first page (user name only). */
  path: string;
  username: string;
  /** The first page's "Next". */
  next: string;
  password: string;
  /** The second page's "Sign in". */
  submit: string;
  /** Shown on either page when the portal refuses what was entered. */
  error: string;
}

/**
 * Sign in on a portal that asks for the user name on one page and the password on the next
 * (identity providers do this to pick the sign-in method per user). Each step is a real
 * navigation; a refusal on the first page ends here, and the core sees the error marker and
 * stops the run (wrong credentials are never retried).
 */
export async function twoStepLogin(page: Page, credentials: Credentials, ctx: StepContext, s: TwoStepLoginSelectors): Promise<void> {
  const first = await page.goto(new URL(s.path, ctx.baseUrl).toString(), { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs });
  checkResponse(first, 'sign-in page');
  await page.fill(s.username, credentials.username, { timeout: ctx.stepTimeoutMs });
  await submit(page, s.next, ctx, 'sign-in user name step');
  if (await page.locator(s.error).count()) return;
  // Waits for the second page's field: a portal that needs more steps fails here, by name.
  await page.fill(s.password, credentials.password, { timeout: ctx.stepTimeoutMs });
  const landed = await submit(page, s.submit, ctx);
  // Only the password post's own answer counts: once it has set the session, an error on the
  // page it leads to (the inventory, say) is the portal's state, not a failed sign-in.
  checkResponse(landed && (await firstOfRedirects(landed)), 'sign-in password step');
}

async function submit(page: Page, selector: string, ctx: StepContext, what?: string): Promise<Response | null> {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs }),
    page.click(selector, { timeout: ctx.stepTimeoutMs }),
  ]);
  if (what) checkResponse(response, what);
  return response;
}

/** The answer to the request that started a redirect chain (the form post), or the response itself. */
async function firstOfRedirects(response: Response): Promise<Response | null> {
  let request = response.request();
  while (request.redirectedFrom()) request = request.redirectedFrom()!;
  return request === response.request() ? response : request.response();
}
