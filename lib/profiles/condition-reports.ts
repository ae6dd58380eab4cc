import type { FrameLocator, Locator, Page } from 'playwright-core';
import { z } from 'zod';
import { TransientError } from '../core/errors.js';
import { portalUrl, type PortalProfile, type StepContext } from '../core/portal/profile.js';
import { checkResponse } from '../core/portal/steps.js';
import type { Credentials } from '../core/types.js';
import { fillTotp, pageJson, pollJob, readCursorPages, toCsv } from './hooks/index.js';

const SIGN_IN_PATH = '/signin';
const isSignInUrl = (url: URL): boolean => /^\/signin\b/.test(url.pathname);

/** The portal's JSON, checked: a changed API fails the attempt with what was wrong, not later with a TypeError. */
function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new TransientError(`unexpected ${what}: ${result.error.issues[0]?.message ?? 'bad shape'}`, 'api_shape');
  return result.data;
}

const FeedPage = z.object({
  items: z.array(z.object({ stock: z.string(), vin: z.string().optional(), year: z.number().optional(), make: z.string().optional(), model: z.string().optional() })),
  nextCursor: z.string().nullable(),
  total: z.number().int().optional(),
});
type FeedItem = z.infer<typeof FeedPage>['items'][number];

const Job = z.object({ jobId: z.string().min(1) });
const JobStatus = z.object({
  status: z.enum(['queued', 'preparing', 'ready', 'failed']),
  downloadUrl: z.string().optional(),
  retryAfterMs: z.number().optional(),
});

/** Resolves with the name of the first thing that shows: a locator becoming visible, or the window leaving the sign-in. */
async function firstOf(page: Page, ctx: StepContext, locators: Record<string, Locator>): Promise<string> {
  const waits = [
    ...Object.entries(locators).map(([name, locator]) => locator.waitFor({ state: 'visible', timeout: ctx.stepTimeoutMs }).then(() => name)),
    page.waitForURL((url) => !isSignInUrl(url), { timeout: ctx.stepTimeoutMs, waitUntil: 'domcontentloaded' }).then(() => 'left'),
  ];
  for (const wait of waits) wait.catch(() => undefined);
  return Promise.any(waits).catch(() => {
    throw new TransientError('the sign-in showed neither a code field, an error nor the portal in time', 'login_failed');
  });
}

/**
 * The sign-in lives in an iframe whose inputs have no labels and new names and ids on every
 * load: they are found by type. A one-time code is asked next when the account has a second
 * factor. A wrong password or code shows `.signin-error` inside the frame, where the core looks
 * for it (and stops the run); the frame sends the window on to the terms when it is done.
 */
async function frameLogin(page: Page, credentials: Credentials, ctx: StepContext): Promise<void> {
  checkResponse(await page.goto(portalUrl(ctx.baseUrl, SIGN_IN_PATH).toString(), { waitUntil: 'domcontentloaded' }), 'sign-in page');
  const frame: FrameLocator = page.frameLocator('#signin-frame');
  await frame.locator('input[type="text"]').fill(credentials.username);
  await frame.locator('input[type="password"]').fill(credentials.password);
  await frame.locator('button[type="submit"]').click();
  const code = frame.locator('input[autocomplete="one-time-code"]');
  const error = frame.locator('.signin-error');
  if ((await firstOf(page, ctx, { code, error })) !== 'code') return;
  await fillTotp(frame, 'input[autocomplete="one-time-code"]', credentials);
  await frame.locator('button[type="submit"]').click();
  await firstOf(page, ctx, { error });
}

/** The terms: Agree is disabled until the box is ticked. Returns once the window has left the terms. */
async function acceptTerms(page: Page, ctx: StepContext): Promise<void> {
  await page.check('#terms-read', { timeout: ctx.stepTimeoutMs });
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/terms', { timeout: ctx.stepTimeoutMs, waitUntil: 'domcontentloaded' }),
    page.click('#terms-agree', { timeout: ctx.stepTimeoutMs }),
  ]);
}

const FEED_COLUMNS = ['Stock', 'VIN', 'Year', 'Make', 'Model'] as const;
const feedRow = (item: FeedItem): string[] => [item.stock, item.vin ?? '', String(item.year ?? ''), item.make ?? '', item.model ?? ''];

/**
 * The condition-reports portal (and the bundled demo's `condition-reports` site): an
 * API-driven portal. Chromium only signs in (iframe, TOTP) and accepts the terms; the
 * inventory is read from the JSON feed behind the infinite-scroll list, and each report is
 * prepared as a job, polled, and downloaded once through a one-time link, over plain HTTP with
 * the session cookies (no worker pages).
 */
export const conditionReports: PortalProfile = {
  name: 'condition-reports',
  description: 'Condition report portal: iframe sign-in with TOTP, terms checkbox, JSON inventory feed, reports prepared as jobs (direct HTTP)',
  login: {
    path: SIGN_IN_PATH,
    errorSelector: '.signin-error',
    run: frameLogin,
  },
  license: { urlPattern: /^\/terms$/, run: acceptTerms },
  session: {
    loginUrlPattern: /^\/signin\b/,
    // The API answers a dead session with HTTP 200 and this page.
    loginPageMarker: /id="signin-shell"/,
  },
  inventory: {
    // The home page: the core opens it first (session and terms checks); the feed does the rest.
    path: '/',
    columns: { ref: 'Stock', vin: 'VIN' },
    run: async (page, ctx) => {
      const items = await readCursorPages(pageJson(page, ctx), {
        path: '/api/vehicles?limit=100',
        items: (p) => parsed(FeedPage, p, 'inventory feed page').items,
        nextCursor: (p) => parsed(FeedPage, p, 'inventory feed page').nextCursor,
        total: (p) => parsed(FeedPage, p, 'inventory feed page').total,
      });
      // CSV text, so the core's ref and duplicate checks apply and the run keeps inventory.csv.
      return toCsv(FEED_COLUMNS, items.map(feedRow));
    },
  },
  document: {
    // The browser path is not used (fetch: direct); these name the list for a person reading the profile.
    pagePath: '/reports',
    downloadSelector: '#vehicle-list',
    fetch: 'direct',
    direct: async (http, vehicle, ctx) => {
      const what = `report of ${vehicle.ref}`;
      const job = parsed(Job, await http.json('/api/reports', { method: 'POST', json: { stock: vehicle.ref }, what: `report job of ${vehicle.ref}` }), 'report job');
      const link = await pollJob(ctx, {
        status: async () => parsed(JobStatus, await http.json(`/api/reports/${encodeURIComponent(job.jobId)}`, { what: 'report job status' }), 'job status'),
        done: (s) => (s.status === 'ready' ? s.downloadUrl : undefined),
        failed: (s) => (s.status === 'failed' ? 'the portal could not prepare it' : undefined),
        waitMs: (s) => s.retryAfterMs,
        what,
      });
      // One-time link: a failed download is retried from a new job, never from the spent link.
      return http.bytes(link, { what });
    },
  },
  blockResources: ['image', 'font', 'media', 'stylesheet'],
};
