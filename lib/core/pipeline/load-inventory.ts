import type { Page } from 'playwright-core';
import { classify, CriticalError, SessionExpiredError, type FleetPdfError } from '../errors.js';
import { assignFileNames } from '../file-name.js';
import { refusedLineKey } from '../row-key.js';
import { isLoginPageBody, sessionEnded } from '../portal/http-outcome.js';
import { parseInventoryCsv } from '../portal/inventory-csv.js';
import type { PortalProfile, StepContext } from '../portal/profile.js';
import type { SessionManager } from '../portal/session-manager.js';
import { exportInventory } from '../portal/steps.js';
import type { PortalSession, RejectedVehicle, Vehicle } from '../types.js';

export interface LoadInventoryOptions {
  profile: PortalProfile;
  session: SessionManager;
  ctx: StepContext;
  /** A page holding `session`'s cookies (or newer), and the session version it really holds. */
  page: (session: PortalSession) => Promise<{ page: Page; version: number }>;
  /** Called after each attempt, whatever happened (e.g. to throw the page away). */
  afterAttempt?: () => Promise<void>;
  /** @default 3 */
  attempts?: number;
  /** Only these refs (others in the inventory are ignored; unknown ones are rejected). */
  refs?: string[];
  /** Only the first N vehicles. */
  limit?: number;
  log?: (line: string) => void;
}

export interface LoadedInventory {
  /** The vehicles to download, each with its file name (given over the whole inventory, whatever was selected). */
  vehicles: Vehicle[];
  /** What `--limit` left out: the vehicles (and refused lines) of the export, before the limit. */
  selection?: { limit: number; inventory: number };
  /** One entry per refused line, keyed so that every line becomes one tracking row. */
  skipped: { ref: string; reason: string }[];
  /** The export as the portal gave it, when it was a CSV. */
  csv?: string;
  warnings: string[];
}

/**
 * Export the inventory with the shared session and parse it; an export cut short by an
 * expired session is redone after a (single-flight) refresh, a transient failure is retried,
 * wrong credentials stop at once. The same for the local run and the Enqueue Lambda.
 */
export async function loadInventory(options: LoadInventoryOptions): Promise<LoadedInventory> {
  const { profile, session, ctx } = options;
  const attempts = options.attempts ?? 3;
  let exported: string | Vehicle[] | undefined;
  let lastError: FleetPdfError | undefined;
  for (let attempt = 1; attempt <= attempts && exported === undefined; attempt += 1) {
    try {
      const { page, version } = await options.page(await session.current());
      const body = await exportInventory(page, profile, ctx, version);
      // A session that ends between the inventory page and the export download hands us the
      // login page instead of the CSV: log in again and export again, like any vehicle.
      if (typeof body === 'string' && isLoginPageBody(Buffer.from(body.slice(0, 8192), 'latin1'), profile)) {
        throw sessionEnded('the inventory export returned the login page', version);
      }
      exported = body;
    } catch (error) {
      lastError = classify(error);
      if (lastError instanceof CriticalError) throw lastError;
      if (lastError instanceof SessionExpiredError) await session.refresh(lastError.staleVersion);
      options.log?.(`inventory export failed (${lastError.message}); trying again`);
    } finally {
      await options.afterAttempt?.();
    }
  }
  if (exported === undefined) {
    // The cause keeps Playwright's call log (which selector it waited for): `fleetpdf check` reads it.
    throw new CriticalError(`could not export the inventory: ${lastError?.message ?? 'unknown error'}`, 'inventory_export', { cause: lastError });
  }
  let vehicles: Vehicle[];
  let rejected: RejectedVehicle[] = [];
  let warnings: string[] = [];
  if (typeof exported === 'string') {
    ({ vehicles, rejected, warnings } = parseInventoryCsv(exported, profile.inventory.columns, {
      validate: profile.inventory.validate,
    }));
  } else {
    vehicles = exported;
  }
  // Names over the whole inventory, before --refs or --limit: a vehicle's name does not depend
  // on which others were selected, so a limited run and a full one name it alike.
  const names = assignFileNames(vehicles.map((v) => v.ref));
  vehicles = vehicles.map((v) => ({ ...v, file: names.get(v.ref)! }));
  if (options.refs) {
    const wanted = new Set(options.refs);
    const known = new Set(vehicles.map((v) => v.ref));
    vehicles = vehicles.filter((v) => wanted.has(v.ref));
    for (const ref of options.refs) if (!known.has(ref)) rejected.push({ ref, reason: 'not in the portal inventory' });
  }
  let selection: LoadedInventory['selection'];
  if (options.limit !== undefined && vehicles.length > options.limit) {
    const inventory = vehicles.length + rejected.length;
    vehicles = vehicles.slice(0, options.limit);
    // Refused lines past the last selected vehicle were not selected either: not "skipped".
    const lastLine = vehicles.at(-1)?.line;
    if (lastLine !== undefined) rejected = rejected.filter((r) => r.line === undefined || r.line < lastLine);
    selection = { limit: options.limit, inventory };
  }
  return {
    vehicles,
    skipped: skippedRows(vehicles, rejected),
    csv: typeof exported === 'string' ? exported : undefined,
    warnings,
    ...(selection ? { selection } : {}),
  };
}

/**
 * One tracking row per rejected line, so the report's counts add up to the export. Any string
 * may be a vehicle's ref, and a rejected line's ref may be empty or another row's, so a line
 * is keyed refusedLineKey(line, ref) (lib/core/row-key.ts: no ref can take that key); reports
 * show its ref (shownRef). A rejected ref without a line (`--refs`) is keyed by itself.
 */
export function skippedRows(accepted: Vehicle[], rejected: RejectedVehicle[]): { ref: string; reason: string }[] {
  const taken = new Set(accepted.map((v) => v.ref));
  return rejected.map((r, i) => {
    const key = r.line === undefined && r.ref && !taken.has(r.ref) ? r.ref : refusedLineKey(r.line ?? i + 1, r.ref);
    taken.add(key);
    return { ref: key, reason: r.line ? `line ${r.line}: ${r.reason}` : r.reason };
  });
}
