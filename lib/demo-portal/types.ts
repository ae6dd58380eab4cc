import type { OtherOrigin, PdfDelivery } from './delivery.js';

/** Public types of the bundled demo portal. */

/** Faults the portal injects; every key is optional and absent means "off". */
export interface FaultSpec {
  /** Probability that a protected route answers 500/502/503 with an HTML error page. */
  '5xx'?: number;
  /** Probability that a protected route never answers (the socket stays open). */
  hang?: number;
  /** A session ends ("expired") after this many requests made with it. */
  expire?: number;
  /** Every this many protected requests portal-wide, the active sessions are ended ("kicked"). */
  kick?: number;
  /** More than this many requests in flight at once (this one included) get a 429. */
  ratelimit?: number;
  /** Probability that a PDF request is answered with the session's current vehicle's PDF. */
  interfere?: number;
  /**
   * Probability that a vehicle page or document request ends the session and sends the user
   * to the sign-in page (1 = a portal that ends every new session at once: a login storm).
   */
  bounce?: number;
  /** Every route answers 503 for this many seconds after start (or after setFaults). */
  down?: number;
  /** Every PDF request answers 429 with `Retry-After` of this many seconds (a portal that asks for a day's pause). */
  wait?: number;
}

/**
 * Which bundled site the portal serves; each is named after the profile that drives it.
 * `dealer-values`: CSRF login, license, inventory CSV export, a download control per vehicle.
 * `window-sticker`: two-step sign-in, a paginated grid with sticky filters (no export), and a
 * "Window sticker" control per vehicle that opens the PDF in a new tab; a few VINs fail their check digit.
 * `condition-reports`: sign-in in an iframe plus a TOTP code, terms behind a checkbox, a cursor-paged
 * JSON feed, reports prepared as jobs and fetched once through one-time links, awkward stock numbers.
 */
export type DemoSite = 'dealer-values' | 'window-sticker' | 'condition-reports';

export interface DemoPortalOptions {
  /** Default 'dealer-values'. */
  site?: DemoSite;
  /** 0 / undefined = a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Inventory size, default 200. */
  vehicles?: number;
  /** Default 1: same seed => same inventory, same refs and VINs. */
  seed?: number;
  /** Added to every HTML page and CSV export, default 0. */
  pageLatencyMs?: number;
  /** Added to every PDF response, default 0. */
  pdfLatencyMs?: number;
  /** A spec string like `5xx=0.05,hang=0.01,expire=200` or a FaultSpec. */
  faults?: string | FaultSpec;
  /** Default DEMO_CREDENTIALS. */
  credentials?: { username: string; password: string; totpSecret?: string };
  /** Default true: the user's saved filter hides part of the inventory until cleared. */
  stickyFilter?: boolean;
  /** Appended verbatim (by header name) to the CSV export (dealer-values only); tests use it for bad refs. */
  extraCsvRows?: Array<Record<string, string>>;
  /**
   * Default false: every ref is an 8-digit number. `true` gives the first vehicles the awkward
   * refs of AWKWARD_DEMO_REFS (a slash, surrounding spaces, a non-ASCII letter, case-only
   * twins, a traversal, a device name...), an array gives them these refs; the portal serves
   * their pages and PDFs like any other.
   */
  awkwardRefs?: boolean | readonly string[];
  /** How PDFs are delivered (compressed, via another origin, huge, trickling); dealer-values only. */
  pdfDelivery?: PdfDelivery;
}

export interface DemoVehicle {
  ref: string;
  vin: string;
  year: number;
  make: string;
  model: string;
  trim: string;
  mileage: number;
  stockNumber: string;
  status: string;
  price: number;
}

export interface DemoPortalStats {
  logins: number;
  failedLogins: number;
  activeSessions: number;
  sessionsEnded: { expired: number; kicked: number; replaced: number; loggedOut: number };
  /** Every non-admin request. */
  requests: number;
  inFlight: number;
  inFlightPeak: number;
  /** Every request to a PDF URL, whatever its answer. */
  pdfRequests: number;
  /** PDFs answered, by the ref that was requested (the file name the client got). */
  pdfServed: Record<string, number>;
  /** PDFs answered, by the ref whose document was actually in the body. */
  pdfContentServed: Record<string, number>;
  /** PDFs whose body was another vehicle's (interference). */
  wrongPdfServed: number;
  licenseAccepts: number;
  exports: number;
  faultsInjected: { '5xx': number; hang: number; ratelimit: number; interfere: number; down: number; bounce: number; wait: number };
}

export interface DemoPortal {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The bundled site it serves. */
  site: DemoSite;
  port: number;
  /** The full deterministic inventory (window-sticker: a few VINs with a wrong check digit among them). */
  inventory: DemoVehicle[];
  /** Same as GET /__admin/stats. */
  stats(): DemoPortalStats;
  resetStats(): void;
  /** End every active session (like a login from elsewhere). */
  kickSessions(): void;
  /** Replace the faults; restarts the `down` window and the `kick` counter. */
  setFaults(spec: string | FaultSpec): void;
  /** The second origin PDF URLs redirect to, with the Cookie headers it got (`pdfDelivery.otherOrigin`). */
  otherOrigin?: Pick<OtherOrigin, 'url' | 'cookies'>;
  /** Resolves promptly even with hung requests open (their sockets are destroyed). */
  close(): Promise<void>;
}
