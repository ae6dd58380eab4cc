import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/core/errors.js';
import { parseInventoryCsv } from '../../lib/core/portal/inventory-csv.js';
import { refusedLineKey } from '../../lib/core/row-key.js';
import { decodeInventoryBytes } from '../../lib/core/portal/inventory-text.js';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import type { RunReport } from '../../lib/core/report/types.js';
import { runCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const COLUMNS = { ref: 'Reference Number', vin: 'VIN' };
const HEADER = 'Reference Number,VIN,Make';
const VIN = '1HGCM82633A004352';

/** The InputError a whole-file problem throws: one line, naming the problem. */
function inputError(text: string): InputError {
  try {
    parseInventoryCsv(text, COLUMNS);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).not.toContain('\n');
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('bad inventory CSVs (parseInventoryCsv)', () => {
  it('malformed: an unclosed quote names the line it opens on', () => {
    const text = `${HEADER}\nA1,${VIN},Honda\n"A2,${VIN},Honda\nA3,${VIN},Ford\n`;
    expect(inputError(text).message).toMatch(/quote opened on line 3 that is never closed/);
  });

  it.each([
    ['zero bytes', ''],
    ['only whitespace and line breaks', ' \r\n\r\n  \n'],
    ['only a BOM', '\uFEFF'],
  ])('empty (%s): "the inventory CSV is empty"', (_what, text) => {
    expect(inputError(text).message).toBe('the inventory CSV is empty');
  });

  it.each([
    ['LF', `${HEADER}\n`],
    ['CRLF + BOM', `\uFEFF${HEADER}\r\n\r\n`],
  ])('header only (%s): "a header but no vehicles"', (_what, text) => {
    expect(inputError(text).message).toBe('the inventory CSV has a header but no vehicles');
  });

  it('no ref column: names the column it wanted and the ones it found', () => {
    expect(inputError('Stock,VIN\nS1,X\n').message).toBe(
      'the inventory CSV has no "Reference Number" column (found: "Stock", "VIN")',
    );
  });

  it('an HTML page instead of a CSV (logged out) says so, with its title', () => {
    expect(inputError('<!DOCTYPE html><html><head><title>Sign in</title></head><body>x</body></html>').message).toMatch(
      /HTML page \("Sign in"\) instead of the inventory CSV/,
    );
  });

  it('a row with a different number of fields names the line and both counts', () => {
    expect(inputError(`${HEADER}\nA1,${VIN},Honda\nA2,${VIN}\n`).message).toBe(
      'the inventory CSV line 3 has 2 fields, the header has 3',
    );
  });

  // How fast: `npm run bench -- --micro` measures it; a test asserts no wall time.
  it('huge: 50,000 rows parse, every one, in little memory', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `R${String(i).padStart(6, '0')},${VIN},Make ${i}`);
    const text = `${HEADER}\r\n${rows.join('\r\n')}\r\n`;
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const parsed = parseInventoryCsv(text, COLUMNS);
    const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    expect(parsed.vehicles).toHaveLength(50_000);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.vehicles.at(-1)).toMatchObject({ ref: 'R049999', vin: VIN });
    expect(grownMb).toBeLessThan(400);
  });

  it('BOM + CRLF + latin1 bytes: the header is found, rows keep their lines, odd bytes do not break refs', () => {
    // A spreadsheet export in Windows-1252: "Citroën" as one byte 0xEB, decoded here as UTF-8 would be.
    const bytes = Buffer.concat([
      Buffer.from(`\uFEFF${HEADER}\r\nA1,${VIN},Citro`, 'utf8'),
      Buffer.from([0xeb, 0x6e]),
      Buffer.from(`\r\nA2,,Peugeot\r\n`, 'utf8'),
    ]);
    const parsed = parseInventoryCsv(bytes.toString('utf8'), COLUMNS);
    expect(parsed.vehicles.map((v) => v.ref)).toEqual(['A1', 'A2']);
    expect(parsed.vehicles[0]!.attributes?.Make).toBe('Citro\uFFFDn');
    // The same file read as latin1 (the BOM bytes become "ï»¿"): still one line naming the column.
    const latin1 = bytes.toString('latin1');
    const error = inputError(latin1);
    expect(error.message).toMatch(/no "Reference Number" column \(found: "ï»¿Reference Number"/);
  });

  it('duplicate refs are skipped naming the first line; refs differing only in case are two vehicles', () => {
    const parsed = parseInventoryCsv(`${HEADER}\nA1,,x\nB2,,x\nA1,,x\na1,,x\n`, COLUMNS);
    expect(parsed.vehicles.map((v) => v.ref)).toEqual(['A1', 'B2', 'a1']);
    expect(parsed.rejected).toEqual([{ ref: 'A1', reason: 'duplicate ref, first on line 2', line: 4 }]);
  });

  it.each([['a/b'], ['..'], ['../etc/passwd'], ['..hidden'], ['AB 12'], [' AB 12 '], ['Ünïcødé'], ['R\u200B1'], ['x'.repeat(200)], ['-rf'], ['CON'], ['a\\b'], ['"quoted"']])(
    'the awkward ref %j is a vehicle, kept exactly',
    (ref) => {
      const text = `${HEADER}\nGOOD1,,x\n"${ref.replaceAll('"', '""')}",,x\n`;
      const parsed = parseInventoryCsv(text, COLUMNS);
      expect(parsed.vehicles.map((v) => v.ref)).toEqual(['GOOD1', ref]);
      expect(parsed.rejected).toEqual([]);
    },
  );

  it.each([
    ['x'.repeat(201), 'longer than 200 characters (201)'],
    ['a\tb', 'contains a control character'],
    ['a\u0000b', 'contains a control character'],
    ['   ', 'empty ref'],
  ])('the ref %j cannot be downloaded and is skipped with a reason (%s); good rows still load', (ref, why) => {
    const text = `${HEADER}\nGOOD1,,x\n"${ref.replaceAll('"', '""')}",,x\n`;
    const parsed = parseInventoryCsv(text, COLUMNS);
    expect(parsed.vehicles.map((v) => v.ref)).toEqual(['GOOD1']);
    expect(parsed.rejected).toHaveLength(1);
    expect(parsed.rejected[0]!.line).toBe(3);
    expect(parsed.rejected[0]!.reason).toContain(why);
    expect(parsed.rejected[0]!.reason).not.toContain('\n');
  });
});

describe('refused lines end to end: the CLI against a demo portal whose export holds them', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  let first: string;
  const tooLong = 'x'.repeat(201);
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 4 });
    first = portal.inventory[0]!.ref;
    await portal.close();
    portal = await startDemoPortal({
      vehicles: 4,
      extraCsvRows: [
        // Lines 6 to 9 of the export (the header is line 1, the 4 vehicles lines 2 to 5).
        { 'Reference Number': first },
        { 'Reference Number': '', Make: 'Ford' },
        { 'Reference Number': tooLong },
        { 'Reference Number': 'bad\tref' },
      ],
    });
    dir = tempDir();
  });
  afterAll(async () => {
    await portal?.close();
    dir?.cleanup();
  });

  it('skips each refused line under its own ref with its line, downloads the good ones, writes nothing outside the run folder', async () => {
    const result = await runCli(['run', '--portal', portal.url, '--out', dir.path, '--workers', '2', '--json'], {
      PORTAL_USER: 'demo',
      PORTAL_PASS: 'demo-pass',
    });
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report).toMatchObject({ succeeded: 4, skipped: 4, total_inventory: 8 });
    expect(report.skipped_refs).toEqual(
      expect.arrayContaining([
        { ref: first, reason: 'line 6: duplicate ref, first on line 2' },
        { ref: '', reason: 'line 7: empty ref' },
        { ref: tooLong, reason: expect.stringMatching(/^line 8: unsafe ref ".+": longer than 200 characters \(201\)$/) },
        { ref: 'bad\tref', reason: 'line 9: unsafe ref "bad\\tref": contains a control character' },
      ]),
    );
    expect(result.stderr).toContain('Skipped: unsafe ref x2, duplicate ref x1, empty ref x1');
    // The duplicate appears under its ref in manifest.csv too, beside the DONE row of its first line.
    const manifest = readFileSync(join(dir.path, report.runId, 'manifest.csv'), 'utf8').split('\n');
    expect(manifest.filter((l) => l.startsWith(`${first},`))).toEqual([
      expect.stringMatching(new RegExp(`^${first},${first}\\.pdf,DONE,`)),
      `${first},,SKIPPED,,,0,"line 6: duplicate ref, first on line 2"`,
    ]);
    expect(manifest.some((l) => l.includes('#line-'))).toBe(false);
    // Only the run folder and the database at the top; only the 4 PDFs in the run folder.
    const top = readdirSync(dir.path).filter((f) => !f.startsWith('fleetpdf.db'));
    expect(top).toEqual([report.runId]);
    const pdfs = readdirSync(join(dir.path, report.runId)).filter((f) => f.endsWith('.pdf'));
    expect(pdfs.sort()).toEqual(portal.inventory.map((v) => `${v.ref}.pdf`).sort());
  });
});

describe('refused-line keys cannot collide with a ref (issue 14 item 14)', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  // Exactly the key generated for the empty-ref line 7, offered by the portal as a ref on line 6.
  const lookalike = refusedLineKey(7, '');
  beforeAll(async () => {
    portal = await startDemoPortal({
      vehicles: 4,
      extraCsvRows: [{ 'Reference Number': lookalike }, { 'Reference Number': '', Make: 'Ford' }, { 'Reference Number': '#line-8' }],
    });
    dir = tempDir();
  });
  afterAll(async () => {
    await portal?.close();
    dir?.cleanup();
  });

  it('reports the look-alike ref and the empty-ref row both, and the totals cover every line', async () => {
    const result = await runCli(['run', '--portal', portal.url, '--out', dir.path, '--workers', '2', '--json'], {
      PORTAL_USER: 'demo',
      PORTAL_PASS: 'demo-pass',
    });
    const report = JSON.parse(result.stdout) as RunReport;
    // 4 vehicles + 3 extra lines; '#line-8' is a plain ref the portal does not know (FAILED, not lost).
    expect(report.total_inventory).toBe(7);
    expect(report.succeeded + report.failed + report.skipped + report.pending.length).toBe(7);
    expect(report.skipped).toBe(2);
    const reasons = report.skipped_refs.map((s) => s.reason);
    expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^line 6: unsafe ref/), 'line 7: empty ref']));
    expect(report.succeeded + report.failed).toBe(5);
  }, 120_000);
});

describe('inventory exports in other encodings (decodeInventoryBytes)', () => {
  const csv = `${HEADER}\nA1,${VIN},Citro\u00ebn\nA2,${VIN},Honda\n`;
  const refs = (bytes: Buffer) => parseInventoryCsv(decodeInventoryBytes(bytes), COLUMNS).vehicles.map((v) => v.ref);

  it('UTF-16LE and UTF-16BE with a BOM are decoded', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(csv, 'utf16le').swap16()]);
    expect(refs(le)).toEqual(['A1', 'A2']);
    expect(refs(be)).toEqual(['A1', 'A2']);
    expect(decodeInventoryBytes(le)).toContain('Citro\u00ebn');
  });

  it('a gzip body without Content-Encoding (1f 8b) is decompressed', () => {
    expect(refs(gzipSync(Buffer.from(csv)))).toEqual(['A1', 'A2']);
  });

  it('binary or BOM-less UTF-16: one line naming the encoding, never the raw bytes', () => {
    const binary = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
    const noBom = Buffer.from(csv, 'utf16le');
    for (const [bytes, what] of [
      [binary, /binary data/],
      [noBom, /UTF-16 without a byte order mark/],
      [Buffer.from([0x1f, 0x8b, 1, 2, 3]), /gzip data that does not decompress/],
    ] as const) {
      let message = '';
      try {
        decodeInventoryBytes(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        message = (error as Error).message;
      }
      expect(message).toMatch(what);
      expect(message).not.toContain('\n');
      expect(message).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});
