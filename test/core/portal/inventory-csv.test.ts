import { describe, expect, it } from 'vitest';
import { InputError } from '../../../lib/core/errors.js';
import { parseInventoryCsv, validateRef } from '../../../lib/core/portal/inventory-csv.js';

const COLUMNS = { ref: 'Reference Number', vin: 'VIN' };
const VIN1 = '1HGCM82633A004352';
const VIN2 = '2T1BURHE0JC074123';

function inputError(text: string, columns = COLUMNS): string {
  try {
    parseInventoryCsv(text, columns);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).not.toMatch(/\n/);
    return message;
  }
  throw new Error('parsed without an error');
}

describe('parseInventoryCsv', () => {
  it('parses refs, VINs and the other columns as attributes', () => {
    const csv = `Reference Number,VIN,Year,Make\n4001,${VIN1},2019,Honda\n4002,${VIN2.toLowerCase()},2018,Toyota\n`;
    const { vehicles, rejected, warnings } = parseInventoryCsv(csv, COLUMNS);
    expect(rejected).toEqual([]);
    expect(warnings).toEqual([]);
    expect(vehicles).toEqual([
      { ref: '4001', line: 2, vin: VIN1, attributes: { Year: '2019', Make: 'Honda' } },
      { ref: '4002', line: 3, vin: VIN2, attributes: { Year: '2018', Make: 'Toyota' } },
    ]);
  });

  it('strips a BOM, reads CRLF, quoted commas and quoted line breaks, and matches headers ignoring case and spaces', () => {
    const csv = `\uFEFF" reference  number ",vin,Notes\r\n4001,${VIN1},"needs wash, detail"\r\n"4002",,"line one\r\nline two"\r\n4003,,"said ""hi"""\r\n`;
    const { vehicles, rejected } = parseInventoryCsv(csv, COLUMNS);
    expect(rejected).toEqual([]);
    expect(vehicles.map((v) => v.ref)).toEqual(['4001', '4002', '4003']);
    expect(vehicles[0]!.attributes).toEqual({ Notes: 'needs wash, detail' });
    expect(vehicles[1]).toEqual({ ref: '4002', line: 3, attributes: { Notes: 'line one\r\nline two' } });
    expect(vehicles[2]!.attributes!.Notes).toBe('said "hi"');
  });

  it('reads semicolon and tab separated exports', () => {
    expect(parseInventoryCsv(`Reference Number;VIN;Price\n4001;${VIN1};12,500\n`, COLUMNS).vehicles).toEqual([
      { ref: '4001', line: 2, vin: VIN1, attributes: { Price: '12,500' } },
    ]);
    expect(parseInventoryCsv(`Reference Number\tVIN\n4001\t${VIN1}\n`, COLUMNS).vehicles[0]!.vin).toBe(VIN1);
  });

  it('keeps every printable ref exactly as the CSV holds it; rejects empty and duplicate refs, control characters and invalid VINs, with their lines', () => {
    const long = 'a'.repeat(201);
    const csv = [
      'Reference Number,VIN,Make',
      `4001,${VIN1},Honda`, // line 2
      ',,Ford', // 3: empty ref
      'a/b,,Kia', // 4
      '..,,Kia', // 5
      'x y,,Kia', // 6
      '\u00e9t\u00e9,,Kia', // 7
      `${long},,Kia`, // 8: longer than 200
      '.hidden,,Kia', // 9
      `4001,${VIN2},Toyota`, // 10: duplicate of line 2
      '4002,NOT-A-VIN,Mazda', // 11
      `  4003  ,${VIN2},Subaru`, // 12: kept with its spaces
      '-dash,,Kia', // 13
      'CON,,Kia', // 14
      ',,', // 15: a row of bare commas is ignored
      'ABC1,,Kia', // 16
      'abc1,,Kia', // 17: differs only in case: another vehicle
      '"  ",,Kia', // 18: blank
      '" STK 0099 ",,Kia', // 19: quoted, spaces kept
      '"a\tb",,Kia', // 20: a control character
    ].join('\n');
    const { vehicles, rejected } = parseInventoryCsv(csv, COLUMNS);
    expect(vehicles.map((v) => v.ref)).toEqual(['4001', 'a/b', '..', 'x y', '\u00e9t\u00e9', '.hidden', '  4003  ', '-dash', 'CON', 'ABC1', 'abc1', ' STK 0099 ']);
    expect(vehicles[0]!.vin).toBe(VIN1);
    expect(rejected).toEqual([
      { ref: '', reason: 'empty ref', line: 3 },
      { ref: long, reason: `unsafe ref "${long.slice(0, 67)}...": longer than 200 characters (201)`, line: 8 },
      { ref: '4001', reason: 'duplicate ref, first on line 2', line: 10 },
      { ref: '4002', reason: 'invalid VIN "NOT-A-VIN"', line: 11 },
      { ref: '  ', reason: 'empty ref', line: 18 },
      { ref: 'a\tb', reason: 'unsafe ref "a\\tb": contains a control character', line: 20 },
    ]);
  });

  it('reports the first line of a record that spans lines', () => {
    const csv = `Reference Number,VIN,Notes\n4001,,"a\nb\nc"\n4001,,x\n`;
    expect(parseInventoryCsv(csv, COLUMNS).rejected).toEqual([{ ref: '4001', reason: 'duplicate ref, first on line 2', line: 5 }]);
    const crlf = 'Reference Number,VIN\r\n\r\n4001,\r\n"40\r\n02",\r\n\r\n4001,\r\n';
    expect(parseInventoryCsv(crlf, COLUMNS).rejected).toEqual([
      { ref: '40\r\n02', reason: 'unsafe ref "40\\r\\n02": contains a control character', line: 4 },
      { ref: '4001', reason: 'duplicate ref, first on line 3', line: 7 },
    ]);
  });

  it("rejects what the profile's validate hook refuses", () => {
    const csv = `Reference Number,VIN,Status\n4001,${VIN1},active\n4002,${VIN2},sold\n`;
    const { vehicles, rejected } = parseInventoryCsv(csv, COLUMNS, {
      validate: (v) => (v.attributes?.Status === 'sold' ? 'sold vehicles have no report' : undefined),
    });
    expect(vehicles.map((v) => v.ref)).toEqual(['4001']);
    expect(rejected).toEqual([{ ref: '4002', reason: 'sold vehicles have no report', line: 3 }]);
  });

  it('warns when the VIN column is missing and works by ref', () => {
    const { vehicles, warnings } = parseInventoryCsv('Reference Number,Make\n4001,Honda\n', COLUMNS);
    expect(vehicles).toEqual([{ ref: '4001', line: 2, attributes: { Make: 'Honda' } }]);
    expect(warnings).toEqual(['the inventory CSV has no "VIN" column: documents are checked by ref only']);
  });

  it('throws one-line input errors for whole-file problems', () => {
    expect(inputError('')).toBe('the inventory CSV is empty');
    expect(inputError('\uFEFF \r\n\n')).toBe('the inventory CSV is empty');
    expect(inputError('Reference Number,VIN\r\n')).toBe('the inventory CSV has a header but no vehicles');
    expect(inputError('Stock,Vin,Make\n1,2,3\n')).toBe(
      'the inventory CSV has no "Reference Number" column (found: "Stock", "Vin", "Make")',
    );
    expect(inputError('Reference Number,VIN\n4001,x\n"4002,y\n4003,z\n')).toBe(
      'the inventory CSV has a quote opened on line 3 that is never closed',
    );
    expect(inputError('Reference Number,VIN\n4001,x\n4002,y,extra\n')).toBe(
      'the inventory CSV line 3 has 3 fields, the header has 2',
    );
    expect(inputError('Reference Number,VIN\n4001\n')).toBe('the inventory CSV line 2 has 1 fields, the header has 2');
    expect(inputError('Reference Number,VIN\n4001,"x"y\n')).toMatch(/^the inventory CSV is malformed at line 2: Invalid Closing Quote/);
  });

  it('says the portal sent an HTML page instead of the CSV', () => {
    const html = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form id="login-form"></form></body></html>';
    expect(inputError(html)).toBe(
      'the portal sent an HTML page ("Sign in") instead of the inventory CSV (logged out, or an error page?)',
    );
    expect(inputError('\n  <html><body>oops</body></html>')).toMatch(/^the portal sent an HTML page instead of the inventory CSV/);
  });

  // How fast: `npm run bench -- --micro` measures it; a test asserts no wall time.
  it('parses 20,000 rows, every one in order with its fields', () => {
    const lines = ['Reference Number,VIN,Year,Make,Model,Price'];
    for (let i = 0; i < 20_000; i++) lines.push(`${100000 + i},${VIN1},2019,Honda,"Accord, EX",${10000 + i}`);
    const { vehicles, rejected } = parseInventoryCsv(lines.join('\r\n'), COLUMNS);
    expect(vehicles).toHaveLength(20_000);
    expect(rejected).toEqual([]);
    expect(vehicles.map((v) => v.ref)).toEqual(Array.from({ length: 20_000 }, (_, i) => String(100000 + i)));
    expect(vehicles.at(-1)).toMatchObject({ ref: '119999', vin: VIN1, attributes: { Model: 'Accord, EX', Price: '29999' } });
  });
});

describe('validateRef', () => {
  it('accepts any ref the portal could serve, exactly as given', () => {
    for (const ref of ['40213377', 'A-123_b.v2', ' 4001 ', 'a'.repeat(200), 'x.', 'console', 'a/b', '..', '.', 'caf\u00e9', 'CON', '../../etc/passwd', '日本']) {
      expect(validateRef(ref), ref).toBeUndefined();
    }
  });

  it('says why a ref cannot be downloaded', () => {
    expect(validateRef('')).toBe('empty ref');
    expect(validateRef('   ')).toBe('empty ref');
    expect(validateRef('a\u0000b')).toBe('unsafe ref "a\\u0000b": contains a control character');
    expect(validateRef('a\tb')).toBe('unsafe ref "a\\tb": contains a control character');
    expect(validateRef('a\u0085b')).toMatch(/control character/);
    expect(validateRef('a'.repeat(201))).toMatch(/longer than 200 characters \(201\)/);
  });
});
