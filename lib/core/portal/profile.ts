import type { Page } from 'playwright-core';
import type { Credentials, Vehicle } from '../types.js';
import type { FETCH_MODES } from '../../settings/index.js';

/** Resource types a worker page may refuse to load (Playwright's request.resourceType()). */
export type BlockableResource = 'image' | 'font' | 'media' | 'stylesheet';

/** What every step hook receives. */
export interface StepContext {
  /** The portal's origin, e.g. `http://127.0.0.1:4010`; profile URLs are relative to it. */
  baseUrl: string;
  /** Budget for one navigation or one wait, in ms. */
  stepTimeoutMs: number;
}

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
    usernameSelector: string;
    passwordSelector: string;
    submitSelector: string;
    /** Shown by the portal when the credentials are wrong. */
    errorSelector: string;
    /** Replace the default fill-and-submit (e.g. user first, then password on a second page). */
    run?: (page: Page, credentials: Credentials, ctx: StepContext) => Promise<void>;
  };
  /** A terms page the portal shows after login (and sometimes again later). */
  license?: {
    /** A URL matching this is the license page. */
    urlPattern: RegExp;
    acceptSelector: string;
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
    run?: (page: Page, ctx: StepContext) => Promise<string | Vehicle[]>;
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
    run?: (page: Page, vehicle: Vehicle, ctx: StepContext) => Promise<Buffer>;
  };
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
