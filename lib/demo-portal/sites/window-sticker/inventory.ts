import { STATUSES } from '../../constants.js';
import { generateInventory } from '../../inventory.js';
import type { DemoVehicle } from '../../types.js';
import { BROKEN_VIN_EVERY, BROKEN_VIN_OFFSET } from './constants.js';

const CHECK_CHARACTERS = '0123456789X';

/** The same VIN with another (wrong) check digit at position 9; still well formed. */
export function withWrongCheckDigit(vin: string): string {
  const right = CHECK_CHARACTERS.indexOf(vin[8] ?? '0');
  const wrong = CHECK_CHARACTERS[(right + 1) % CHECK_CHARACTERS.length]!;
  return `${vin.slice(0, 8)}${wrong}${vin.slice(9)}`;
}

/** Does the vehicle at this inventory position carry a broken VIN? */
export const hasBrokenVin = (index: number): boolean => index % BROKEN_VIN_EVERY === BROKEN_VIN_OFFSET;

/**
 * The dealer-values generator's vehicles (same seed, same stock: one dealer on two portals),
 * with a wrong check digit at every 10th position from the 8th: deterministic, so tests
 * know which vehicles a run must skip.
 */
export function generateStickerInventory(count: number, seed: number): DemoVehicle[] {
  return generateInventory(count, seed).map((v, i) => (hasBrokenVin(i) ? { ...v, vin: withWrongCheckDigit(v.vin) } : v));
}

/** The grid's saved filter: status checkboxes and a make. */
export interface GridFilter {
  /** Checked statuses; all of STATUSES = no status filter. */
  statuses: string[];
  /** '' = every make. */
  make: string;
}

export const ALL_STATUSES: readonly string[] = STATUSES;

/** What a new user's grid starts with when filters are sticky: only vehicles in stock. */
export const STICKY_GRID_FILTER: Readonly<GridFilter> = Object.freeze({ statuses: ['In Stock'], make: '' });
export const NO_GRID_FILTER: Readonly<GridFilter> = Object.freeze({ statuses: [...ALL_STATUSES], make: '' });

export function applyGridFilter(vehicles: readonly DemoVehicle[], filter: GridFilter): DemoVehicle[] {
  const statuses = new Set(filter.statuses);
  return vehicles.filter((v) => statuses.has(v.status) && (!filter.make || v.make === filter.make));
}

/** The active parts of a filter, one label each (the grid shows them as chips). */
export function filterChips(filter: GridFilter): string[] {
  const chips: string[] = [];
  if (filter.statuses.length < ALL_STATUSES.length) {
    chips.push(`Status: ${filter.statuses.length ? filter.statuses.join(' or ') : 'none'}`);
  }
  if (filter.make) chips.push(`Make: ${filter.make}`);
  return chips;
}
