/** Fixed names and defaults of the demo portal (the dealer-values profile relies on them). */

/**
 * The demo user. `totpSecret` is the base32 secret of its authenticator (the condition-reports
 * site asks for a code; the other sites ignore it). Demo values, not secrets.
 */
export const DEMO_CREDENTIALS: Readonly<{ username: string; password: string; totpSecret: string }> = Object.freeze({
  username: 'demo',
  password: 'demo-pass',
  totpSecret: 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA',
});

export const SESSION_COOKIE = 'dv_session';
export const CSRF_COOKIE = 'dv_csrf';

export const DEFAULT_VEHICLES = 200;
export const DEFAULT_SEED = 1;
export const DEFAULT_HOST = '127.0.0.1';

export const STATUS_ALL = 'All';
export const STATUSES = ['In Stock', 'In Transit', 'Sold Pending'] as const;

/** The filter a user starts with when stickyFilter is on: hides the vehicles not in stock. */
export const STICKY_DEFAULT_FILTER = { status: 'In Stock', make: '' } as const;
export const NO_FILTER = { status: STATUS_ALL, make: '' } as const;

export const CSV_COLUMNS = [
  'Reference Number',
  'VIN',
  'Year',
  'Make',
  'Model',
  'Trim',
  'Mileage',
  'Stock Number',
  'Status',
  'Price',
] as const;

/** Inventory table rows per page (the CSV export is never paginated). */
export const PAGE_SIZE = 100;

/** Fixed PDF dates so the same vehicle always gets the same bytes. */
export const PDF_DATE = new Date('2025-01-15T09:00:00Z');

/** Ended-session tombstones kept to tell "expired" from "session-ended" (bounded memory). */
export const MAX_TOMBSTONES = 10_000;

/** Generated PDFs kept in memory (LRU); the default inventory fits many times over. */
export const MAX_CACHED_PDFS = 20_000;
