import type { PdfDelivery } from './delivery.js';
import type { Faults } from './faults.js';
import type { Branding } from './html.js';
import type { InventoryFilter } from './inventory.js';
import type { PdfCache } from './pdf.js';
import type { SessionRegistry } from './sessions.js';
import type { Stats } from './stats.js';
import type { DemoVehicle } from './types.js';

/** Everything a route handler can reach: one per running portal. */
export interface PortalContext {
  /** The site's name on its pages and error pages. */
  branding: Branding;
  /** Where requireSession sends a request without a live session. */
  loginPath: string;
  /** `totpSecret`: the sites that ask for a one-time code check it against this (condition-reports). */
  credentials: { username: string; password: string; totpSecret?: string };
  stickyFilter: boolean;
  extraCsvRows: ReadonlyArray<Record<string, string>>;
  pageLatencyMs: number;
  pdfLatencyMs: number;
  inventory: readonly DemoVehicle[];
  byRef: ReadonlyMap<string, DemoVehicle>;
  sessions: SessionRegistry;
  stats: Stats;
  faults: Faults;
  pdfs: PdfCache;
  /** Saved inventory filter per user: survives logout and login (that is what makes it sticky). */
  filters: Map<string, InventoryFilter>;
  /** How PDFs are sent (see PdfDelivery); `otherOriginUrl` is set when PDF URLs redirect there. */
  delivery: PdfDelivery & { otherOriginUrl?: string };
  /** Aborted by close(): pending latency timers resolve at once. */
  closing: AbortSignal;
}
