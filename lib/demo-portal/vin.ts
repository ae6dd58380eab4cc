/** Demo VINs: ISO 3779 shape with a correct check digit (computed by the core's VIN module). */
import { vinCheckDigit } from '../core/portal/vin.js';

export { isValidVin, vinCheckDigit } from '../core/portal/vin.js';

export const VIN_ALPHABET = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

/** Position 10: model year code (the 30-year cycle; 2010 = A ... 2025 = S). */
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';
export function modelYearCode(year: number): string {
  const code = YEAR_CODES[(((year - 2010) % 30) + 30) % 30];
  if (!code) throw new Error(`no model year code for ${year}`);
  return code;
}

/**
 * Assemble a VIN from a 3-character manufacturer id, 5 descriptor characters, the model year,
 * a plant code and a 6-digit serial, with the correct check digit.
 */
export function buildVin(wmi: string, descriptor: string, year: number, plant: string, serial: string): string {
  const draft = `${wmi}${descriptor}0${modelYearCode(year)}${plant}${serial}`;
  if (draft.length !== 17) throw new Error(`VIN parts make ${draft.length} characters, not 17`);
  const check = vinCheckDigit(draft);
  if (!check) throw new Error(`not a VIN: ${draft}`);
  return `${draft.slice(0, 8)}${check}${draft.slice(9)}`;
}
