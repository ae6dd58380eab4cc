import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, spreadsheetSafeCopy, toCsv } from '../../lib/core/csv.js';

describe('neutraliseCell (OWASP CSV injection)', () => {
  it.each([
    ['=HYPERLINK("http://x";"Click me")', `'=HYPERLINK("http://x";"Click me")`],
    [`+cmd|' /C calc'!A0`, `'+cmd|' /C calc'!A0`],
    ['@SUM(1+1)*cmd|/C calc', `'@SUM(1+1)*cmd|/C calc`],
    ['-2+3+cmd|/C calc', `'-2+3+cmd|/C calc`],
    ['\t=2+2', `'\t=2+2`],
    ['\r=2+2', `'\r=2+2`],
    ['a\0b', 'ab'],
    ['\0=1+1', `'=1+1`],
    ['STK-0001', 'STK-0001'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j -> %j', (cell, expected) => {
    expect(neutraliseCell(cell)).toBe(expected);
  });

  it('toCsv neutralises only when asked (a scraped inventory is parsed back as it was)', () => {
    expect(toCsv([['=1+1']])).toBe('=1+1\r\n');
    expect(toCsv([['=1+1', 'x\0']], { spreadsheetSafe: true })).toBe("'=1+1,x\r\n");
  });

  it('spreadsheetSafeCopy keeps the rows and neutralises each cell; text that is not CSV line by line', () => {
    const copy = spreadsheetSafeCopy('\uFEFFref,vin\n=2+2,V1\n"@x, y",V2\n');
    expect(parse(copy)).toEqual([['ref', 'vin'], ["'=2+2", 'V1'], ["'@x, y", 'V2']]);
    expect(spreadsheetSafeCopy('a,"b\n=c')).toBe(`a,"b\n'=c`);
  });
});
