/** ISO 3779 / FMVSS 115 VINs: 17 characters, no I, O or Q, check digit in position 9. */

export const VIN_ALPHABET = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

const TRANSLITERATION: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8,
  J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** The check digit ('0'-'9' or 'X') for a 17-character VIN; position 9 itself is ignored. */
export function vinCheckDigit(vin: string): string {
  if (vin.length !== 17) throw new Error(`a VIN has 17 characters, got ${vin.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const c = vin[i]!;
    const value = c >= '0' && c <= '9' ? Number(c) : TRANSLITERATION[c];
    if (value === undefined) throw new Error(`invalid VIN character "${c}"`);
    sum += value * WEIGHTS[i]!;
  }
  const rest = sum % 11;
  return rest === 10 ? 'X' : String(rest);
}

export function isValidVin(vin: string): boolean {
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(vin)) return false;
  return vin[8] === vinCheckDigit(vin);
}

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
  return `${draft.slice(0, 8)}${vinCheckDigit(draft)}${draft.slice(9)}`;
}
