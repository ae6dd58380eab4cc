/**
 * VIN checks (ISO 3779: 17 characters, digits and capital letters without I, O and Q).
 * The check digit (position 9) is mandatory for North American vehicles only, so inventory
 * parsing checks the shape and leaves the check digit to profiles that know their market.
 */

const VIN_SHAPE = /^[A-HJ-NPR-Z0-9]{17}$/;

/** Letter values for the check digit (ISO 3779 / 49 CFR 565 transliteration). */
const TRANSLITERATION: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8,
  J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** Trimmed and upper-cased, the form VINs are stored and compared in. */
export function normalizeVin(vin: string): string {
  return vin.trim().toUpperCase();
}

/** 17 characters from the VIN alphabet (no I, O, Q); case-insensitive; the check digit is not checked. */
export function isWellFormedVin(vin: string): boolean {
  return VIN_SHAPE.test(normalizeVin(vin));
}

/** The check digit (`0`-`9` or `X`) the first 17 characters call for; undefined when the VIN is not well formed. */
export function vinCheckDigit(vin: string): string | undefined {
  const v = normalizeVin(vin);
  if (!VIN_SHAPE.test(v)) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = v[i]!;
    const value = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : (TRANSLITERATION[c] ?? 0);
    sum += value * WEIGHTS[i]!;
  }
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

/** Well formed and its check digit (position 9) is right. */
export function isValidVin(vin: string): boolean {
  const digit = vinCheckDigit(vin);
  return digit !== undefined && normalizeVin(vin)[8] === digit;
}
