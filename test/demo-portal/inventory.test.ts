import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { isValidVin, vinCheckDigit } from '../../lib/demo-portal/index.js';
import { generateInventory, inventoryCsv } from '../../lib/demo-portal/inventory.js';
import { renderValuationPdf } from '../../lib/demo-portal/pdf.js';
import { buildVin, modelYearCode } from '../../lib/demo-portal/vin.js';
import { pdfText } from '../../harness/portal-client.js';

describe('demo inventory', () => {
  it('is the same for the same seed and different for another', () => {
    const a = generateInventory(200, 1);
    const b = generateInventory(200, 1);
    expect(b).toEqual(a);
    const c = generateInventory(200, 2);
    expect(c.map((v) => v.ref)).not.toEqual(a.map((v) => v.ref));
    // A bigger inventory starts with the smaller one.
    expect(generateInventory(20, 1)).toEqual(a.slice(0, 20));
  });

  it('has unique 8-digit refs and unique valid VINs (ISO 3779 check digit, model year code)', () => {
    const vehicles = generateInventory(2000, 7);
    expect(new Set(vehicles.map((v) => v.ref)).size).toBe(2000);
    expect(new Set(vehicles.map((v) => v.vin)).size).toBe(2000);
    for (const v of vehicles) {
      expect(v.ref).toMatch(/^[1-9]\d{7}$/);
      expect(v.vin).toMatch(/^[A-HJ-NPR-Z0-9]{17}$/);
      expect(isValidVin(v.vin), v.vin).toBe(true);
      expect(v.vin[9]).toBe(modelYearCode(v.year));
      expect(v.year).toBeGreaterThanOrEqual(2015);
      expect(v.year).toBeLessThanOrEqual(2025);
    }
    expect(new Set(vehicles.map((v) => v.make)).size).toBeGreaterThan(5);
    const notInStock = vehicles.filter((v) => v.status !== 'In Stock').length;
    expect(notInStock).toBe(500);
  });

  it('computes check digits like the published examples', () => {
    // The textbook example VIN 1M8GDM9AXKP042788 (check digit X) and a real Honda VIN.
    expect(vinCheckDigit('1M8GDM9AXKP042788')).toBe('X');
    expect(isValidVin('1M8GDM9AXKP042788')).toBe(true);
    expect(isValidVin('1HGCM82633A004352')).toBe(true);
    expect(isValidVin('1HGCM82643A004352')).toBe(false);
    expect(isValidVin('1HGCM8263OA004352')).toBe(false);
    expect(isValidVin(buildVin('1HG', 'CM826', 2003, 'A', '004352'))).toBe(true);
  });

  it('writes properly quoted CSV with extra rows mapped onto the header', () => {
    const [v] = generateInventory(1, 1);
    const csv = inventoryCsv([{ ...v!, trim: 'Sport, "Plus"' }], [{ 'Reference Number': 'BAD REF', VIN: '' }]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('Reference Number,VIN,Year,Make,Model,Trim,Mileage,Stock Number,Status,Price');
    expect(lines[1]).toContain('"Sport, ""Plus"""');
    expect(lines[2]).toBe('BAD REF,,,,,,,,,');
  });
});

describe('valuation PDF', () => {
  it('is deterministic and names the vehicle', async () => {
    const [v] = generateInventory(1, 3);
    const a = await renderValuationPdf(v!);
    const b = await renderValuationPdf(v!);
    expect(a.equals(b)).toBe(true);
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const doc = await PDFDocument.load(a);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe(`Valuation report ${v!.ref}`);
    const text = await pdfText(a);
    expect(text).toContain('Vehicle Valuation Report');
    expect(text).toContain(`Reference: ${v!.ref}`);
    expect(text).toContain(`VIN: ${v!.vin}`);
    expect(text).toContain(`${v!.year} ${v!.make} ${v!.model} ${v!.trim}`);
    expect(text).toMatch(/Trade-in value: \$[\d,]+/);
    expect(text).toMatch(/Retail value: \$[\d,]+/);
  });
});
