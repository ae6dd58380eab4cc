import type { APIResponse, Page } from 'playwright-core';
import type { SessionExpiredError } from '../errors.js';
import type { Credentials, Vehicle } from '../types.js';
import type { FETCH_MODES } from '../../settings/index.js';
import type { CrossOriginRedirects } from './origins.js';
import type { SessionHttp } from './session-http.js';

/** Resource types a worker page may refuse to load (Playwright's request.resourceType()). */
export type BlockableResource = 'image' | 'font' | 'media' | 'stylesheet';

/** What every step hook receives. */
export interface StepContext {
  /** The portal's origin, e.g. `http://127.0.0.1:4010`; profile URLs are relative to it. */
  baseUrl: string;
  /** Budget for one navigation or one wait, in ms. */
  stepTimeoutMs: number;
  /** Largest document accepted, in bytes, on both paths (`--max-pdf-mb`). @default 64 MiB */
  maxPdfBytes?: number;
}

/**
 * What inventory and document hooks receive: the step context plus the session they run with,
 * so a hook can say "the session ended" with the right version (the core then refreshes it
 * single-flight, and the vehicle loses no attempt).
 */
export interface HookContext extends StepContext {
  /** The version of the session this step runs with. */
  sessionVersion: number;
  /** The error to throw when the hook sees that the session ended (`detail`: how it showed). */
  sessionEnded(detail: string): SessionExpiredError;
  /**
   * Map a `page.request` answer (Playwright APIResponse) to what happens next; returns its body
   * when usable. 401/403 and a body that is the sign-in page = session ended; 429/503 with
   * Retry-After = throttled; 5xx = transient; 404 = this vehicle can never succeed.
   */
  checkApiResponse(response: APIResponse, what: string): Promise<Buffer>;
  /** Is this body the portal's sign-in page (`session.loginPageMarker`)? */
  isLoginPage(body: Buffer | string): boolean;
}

/** What a direct document hook receives: the hook context, no page. */
export type DirectContext = HookContext;

/**
 * Everything portal-specific, in one declarative object: URLs, selectors and the steps
 * login -> license -> inventory -> document. The default step implementations in
 * lib/core/portal/steps.ts are driven by the selectors; a portal that does something
 * unusual (two-step login, a grid instead of a CSV export, a PDF in a new tab) overrides
 * that one step with a hook, and the pipeline does not change.
 */
export interface PortalProfile {
  /** Profile name as given to `--profile`. */
  name: string;
  /** One line for `--help` and reports. */
  description: string;
  login: {
    /** Path of the login form. */
    path: string;
    /** The default fill-and-submit's fields; optional when `run` replaces it. */
    usernameSelector?: string;
    passwordSelector?: string;
    submitSelector?: string;
    /**
     * Shown by the portal when the credentials are wrong. Looked up in every frame of the page
     * after the login step (a sign-in form inside an iframe shows its error there).
     */
    errorSelector: string;
    /**
     * Replace the default fill-and-submit (e.g. user first, then password on a second page, a
     * form inside an iframe: use `page.frameLocator(...)`, a one-time code: `fillTotp`).
     * `credentials.totpSecret` is set when the user configured one. Throw `LoginRejectedError`
     * (lib/core/errors.ts) when the portal says the credentials are wrong and the run must stop
     * at once (never retried: retries lock accounts); any other error is a transient login failure.
     */
    run?: (page: Page, credentials: Credentials, ctx: StepContext) => Promise<void>;
  };
  /** A terms page the portal shows after login (and sometimes again later). */
  license?: {
    /** A URL matching this is the license page. */
    urlPattern: RegExp;
    /** The default acceptance: click this. Optional when `run` is given. */
    acceptSelector?: string;
    /**
     * Replace the click (e.g. tick a checkbox that enables Agree, then press Agree). Runs on the
     * license page, after login and whenever a page lands on the license again; it returns once
     * the acceptance was sent (the core then checks where the page went).
     */
    run?: (page: Page, ctx: StepContext) => Promise<void>;
  };
  /** How the portal says "you are not logged in (any more)". */
  session: {
    /** Landing on a URL that matches means the session expired or was kicked. */
    loginUrlPattern: RegExp;
    /** A downloaded body matching this is the login page: the session ended mid-download. */
    loginPageMarker?: RegExp;
  };
  inventory: {
    /** Path of the inventory page. */
    path: string;
    /** Sticky filters hide vehicles from the export; this control clears them first. */
    clearFiltersSelector?: string;
    /** The control that downloads the inventory CSV. */
    exportSelector?: string;
    /** CSV header names of the columns we need. */
    columns: { ref: string; vin?: string };
    /** Replace the CSV export (e.g. scrape a paginated grid). Returns CSV text or vehicles. */
    run?: (page: Page, ctx: HookContext) => Promise<string | Vehicle[]>;
    /** Portal-specific data check; a returned string is the reason to skip the vehicle. */
    validate?: (vehicle: Vehicle) => string | undefined;
  };
  document: {
    /** Vehicle page path; `{ref}` and `{vin}` are replaced, URL-encoded. */
    pagePath: string;
    /** The control that downloads this vehicle's PDF. */
    downloadSelector: string;
    /** When the PDF has a stable URL (same `{ref}`/`{vin}` template), it can be fetched directly with the session cookies. */
    directPath?: string;
    /**
     * Which path fetches a document: `direct` = an HTTP GET of `directPath` with the session
     * cookies (no worker pages; a non-PDF answer is rejected like any bad document), `browser` =
     * the vehicle page and its download control, `auto` = direct, and the browser for a vehicle
     * whose direct URL answers with something else than a PDF or a session/transient error.
     * Without `directPath` only `browser` applies. The run's `--fetch` can narrow it down.
     * @default 'auto'
     */
    fetch?: FetchMode;
    /** Replace the default page + click + download. Returns the PDF body. */
    run?: (page: Page, vehicle: Vehicle, ctx: HookContext) => Promise<Buffer>;
    /**
     * `false`: `run` starts from wherever the worker page is (it makes its own requests, e.g.
     * with `page.request`), so the core does not open `pagePath` first: one request a vehicle
     * less, which counts on portals whose sessions last N requests. @default true
     */
    openPage?: boolean;
    /**
     * A direct document hook: a multi-step HTTP flow with the session cookies (prepare a report,
     * poll its job, download a one-time link) and no worker page. It takes the place of
     * `directPath` on the direct path (`fetch` `direct` or `auto`), with the same verification,
     * retries and session handling: every answer through `http` is checked (a redirect to the
     * sign-in or license page, 401/403 or the sign-in page as a body = session ended; 429 =
     * throttled; 5xx = transient). Returns the PDF body.
     */
    direct?: (http: SessionHttp, vehicle: Vehicle, ctx: DirectContext) => Promise<Buffer>;
    /**
     * A document URL that redirects to another origin (scheme, host, port) than the portal's
     * and `allowedOrigins`: `follow-without-cookies` follows it with no session cookie (a file
     * host with signed links), `refuse` fails the vehicle (`cross_origin`, not retried).
     * @default 'follow-without-cookies'
     */
    crossOriginRedirects?: CrossOriginRedirects;
  };
  /**
   * Other origins that are the portal's own (`https://files.acme.com`): the direct path sends
   * the session cookies there too, and the browser path does not report documents from them
   * as cross-origin. @default []
   */
  allowedOrigins?: string[];
  /** Resource types the worker pages can block without breaking the portal. */
  blockResources: BlockableResource[];
  /**
   * How the export and download controls are clicked. `dom`: the element's own click(), one
   * round trip, when the control is already on the page and the selector is plain CSS (else as
   * `mouse`). `mouse`: Playwright's click, which waits until the control is visible, stable and
   * not covered, then clicks it with the mouse (trusted events, for portals that check them).
   * @default 'dom'
   */
  clicks?: ClickMode;
}

/** See `PortalProfile.clicks`. */
export type ClickMode = 'dom' | 'mouse';

/** How documents are fetched: see `PortalProfile.document.fetch` and the fetchMode setting. */
export type FetchMode = (typeof FETCH_MODES)[number];

/** A profile path on the portal: absolute paths replace the base URL's path, as a browser resolves them. */
export function portalUrl(baseUrl: string, path: string): URL {
  return new URL(path, baseUrl);
}

/** Fill a `{ref}`/`{vin}` path template for one vehicle. */
export function vehiclePath(template: string, vehicle: Vehicle): string {
  return template
    .replaceAll('{ref}', encodeURIComponent(vehicle.ref))
    .replaceAll('{vin}', encodeURIComponent(vehicle.vin ?? ''));
}
