import { describe, expect, it } from 'vitest';
import { isValidVin, isWellFormedVin, normalizeVin, vinCheckDigit } from '../../../lib/core/portal/vin.js';

describe('VIN checks', () => {
  it('accepts VINs whose position-9 check digit is right, in any case', () => {
    for (const vin of ['1HGCM82633A004352', '11111111111111111', '1M8GDM9AXKP042788', ' 1hgcm82633a004352 ']) {
      expect(isValidVin(vin), vin).toBe(true);
    }
  });

  it('computes X for a remainder of 10', () => {
    expect(vinCheckDigit('1M8GDM9AXKP042788')).toBe('X');
  });

  it('rejects a wrong check digit, a wrong length and I, O, Q', () => {
    expect(isValidVin('1HGCM82643A004352')).toBe(false);
    expect(isWellFormedVin('1HGCM82643A004352')).toBe(true);
    for (const vin of ['1HGCM82633A00435', '1HGCM82633A0043521', '1HGCM8263IA004352', '1HGCM8263OA004352', '1HGCM8263QA004352', '1HGCM82633A00435-', '']) {
      expect(isWellFormedVin(vin), vin).toBe(false);
      expect(isValidVin(vin), vin).toBe(false);
      expect(vinCheckDigit(vin)).toBeUndefined();
    }
  });

  it('normalizes to trimmed upper case', () => {
    expect(normalizeVin(' 1hgcm82633a004352\t')).toBe('1HGCM82633A004352');
  });
});
