import type { Frame, Page } from 'playwright-core';
import { DocumentRejectedError, LoginRejectedError, SessionExpiredError, firstLine } from '../core/errors.js';
import type { PortalProfile } from '../core/portal/profile.js';

/** What went wrong in one step of `fleetpdf check`, as a kind a test (or a user) can act on. */
export type FailureKind = 'wrong_credentials' | 'selector' | 'frame' | 'timeout' | 'not_pdf' | 'session' | 'other';

export interface Diagnosis {
  kind: FailureKind;
  /** What happened, one line. */
  what: string;
  /** The next thing to try, one line. */
  next: string;
}

/** The selector a Playwright action was waiting for, from its call log (`waiting for locator('#x')`). */
export function waitedSelector(message: string): string | undefined {
  const match = /waiting for locator\('((?:[^'\\]|\\.)*)'\)/.exec(message);
  return match?.[1]?.replace(/\\(.)/g, '$1');
}

/** The profile field holding `selector` (`login.usernameSelector`), if a field does. */
export function fieldOf(profile: PortalProfile, selector: string): string | undefined {
  for (const [section, value] of Object.entries(profile)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (inner === selector) return `${section}.${key}`;
    }
  }
  return undefined;
}

/** Every message in an error's cause chain (the steps wrap Playwright's errors, whose call log names the selector). */
function messages(error: unknown): string[] {
  const out: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    out.push(e instanceof Error ? e.message : String(e));
  }
  return out;
}

/** Matches of `selector` in `frame`; 0 when the frame cannot answer in a moment (a page still loading a hung answer). */
async function countIn(frame: Frame, selector: string): Promise<number> {
  const timeout = new Promise<number>((resolve) => setTimeout(resolve, 1000, 0).unref());
  return Promise.race([frame.locator(selector).count().catch(() => 0), timeout]);
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * Turn a step's failure into a kind, a line and a next step. `page` is the step's page when it
 * had one: a selector that waited in vain is looked up in the page's frames, because a login
 * form inside an iframe looks exactly like a wrong selector from the main frame.
 */
export async function diagnose(
  error: unknown,
  profile: PortalProfile,
  page: Page | undefined,
  stepTimeoutMs: number,
  /** The profile selectors the failed step uses, for failures whose call log names none (a download that never came). */
  stepSelectors: readonly string[] = [],
): Promise<Diagnosis> {
  const all = messages(error);
  const text = all.join('\n');
  const first = firstLine(all[0] ?? String(error));
  const waitedForEvent = /while waiting for event "(\w+)"/.exec(text)?.[1];
  if (waitedForEvent && page) {
    // The click raced the event: a control that matches nothing looks like a download that never came.
    for (const candidate of stepSelectors) {
      if ((await countIn(page.mainFrame(), candidate)) > 0) continue;
      return diagnose(new Error(`waiting for locator('${candidate.replace(/'/g, "\\'")}')`), profile, page, stepTimeoutMs);
    }
    return {
      kind: 'timeout',
      what: `no ${waitedForEvent} came within ${stepTimeoutMs / 1000} s of clicking ${stepSelectors.at(-1) ?? 'the control'}`,
      next: 'the control may open a new tab or a page first: write a document.run hook (e.g. downloadFromNewTab from the kit), or give a slow portal a longer --step-timeout',
    };
  }
  if (error instanceof LoginRejectedError) {
    return {
      kind: 'wrong_credentials',
      what: `the portal rejected the credentials (${profile.login.errorSelector ? `${profile.login.errorSelector} is shown` : 'login.run said so'})`,
      next: 'check PORTAL_USER and PORTAL_PASS (environment or .env); sign in by hand once to see whether the account is locked',
    };
  }
  const selector = waitedSelector(text);
  const field = selector ? fieldOf(profile, selector) : undefined;
  const named = selector ? (field ? `${field} "${selector}"` : `selector "${selector}" (used by a hook)`) : '';
  // Playwright's call log says whether the selector found its element, and whether it then waited for a page.
  const resolved = /locator resolved to/.test(text);
  const waitedForPage = /scheduled navigations|waiting for navigation|navigating to/.test(text);
  if (selector && !resolved) {
    const where = page ? safePath(page.url()) : 'the page';
    if (page && (await countIn(page.mainFrame(), selector)) === 0) {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame() || (await countIn(frame, selector)) === 0) continue;
        return {
          kind: 'frame',
          what: `${named} matches nothing in the page ${where} but matches inside a frame (${frame.url()}): the form is inside a frame`,
          next: `replace the default step with a hook that works in the frame, e.g. login.run with page.frameLocator('iframe').locator('${selector}')`,
        };
      }
    }
    return {
      kind: 'selector',
      what: `${named} matches nothing on ${where} (waited ${stepTimeoutMs / 1000} s)`,
      next: `open page.html (or the trace) and fix ${field ?? 'the selector'}; in a browser's devtools, document.querySelectorAll('${selector}') must find it`,
    };
  }
  if (selector && !waitedForPage) {
    const state = /not visible|not enabled|not stable|intercepts pointer events/.exec(text)?.[0];
    return {
      kind: 'selector',
      what: `${named} found its element, but it stayed ${state ?? 'unusable'} for ${stepTimeoutMs / 1000} s`,
      next: 'look at screenshot.png: the control may need another step first (a checkbox, a menu), or pick a selector for the visible one',
    };
  }
  if (waitedForPage || /Timeout \d+ms exceeded|timed out|timeout/i.test(text)) {
    const navigating = /navigating to "([^"]+)"/.exec(text)?.[1];
    const what = selector ? `${named} was used, but the page it leads to` : navigating ? `${navigating}` : first.replace(/\.$/, '');
    return {
      kind: 'timeout',
      what: `${what} did not answer within ${stepTimeoutMs / 1000} s`,
      next: 'is the portal slow or down? open the URL in a browser; a slow portal needs a longer --step-timeout (e.g. --step-timeout 60)',
    };
  }
  if (error instanceof DocumentRejectedError && /instead of a PDF/.test(first)) {
    return {
      kind: 'not_pdf',
      what: first,
      next: 'the URL or control leads to a page, not the file: check document.directPath / document.downloadSelector (see body.* / page.html); a PDF prepared first needs a document.run hook',
    };
  }
  if (error instanceof SessionExpiredError || /login page|sign-in page/i.test(first)) {
    return {
      kind: 'session',
      what: first,
      next: 'the portal sent the sign-in page back: check session.loginUrlPattern / loginPageMarker, and that the login really succeeded (screenshot.png)',
    };
  }
  return { kind: 'other', what: first, next: 'look at screenshot.png, page.html and the trace (npx playwright-core show-trace trace.zip)' };
}
