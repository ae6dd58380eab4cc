import { toCsv as csvText } from '../../core/csv.js';

/**
 * Rows as CSV text. Hooks that read the inventory from HTML return this rather than
 * vehicles: the core then parses it like an export, so the same ref checks, duplicate checks
 * and the profile's `validate` apply, and the run folder keeps an `inventory.csv`.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return csvText([header, ...rows]);
}
