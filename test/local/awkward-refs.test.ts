import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../harness/cli.js';
import { assignFileNames, refHash } from '../../lib/core/file-name.js';
import type { RunReport } from '../../lib/core/report/index.js';
import { AWKWARD_DEMO_REFS, DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { expectAllStoredAndVerified } from '../helpers/local-run.js';

/**
 * Issue 13, every vehicle reachable: a local run (real Chromium, the demo portal over HTTP)
 * against an inventory whose refs have slashes, surrounding spaces, non-ASCII letters,
 * case-only twins, a traversal and a device name ends with every vehicle DONE, each PDF under
 * its deterministic safe name, and the exact ref beside that name in manifest.csv.
 */

/** Each awkward shape and the file name it must get (the hash is of the exact ref). */
const EXPECTED: [string, string][] = [
  ['STK-0007/B', `STK-0007_B~${refHash('STK-0007/B')}.pdf`],
  [' STK 0099 ', `STK_0099~${refHash(' STK 0099 ')}.pdf`],
  ['STK-0150\u00c4', `STK-0150A~${refHash('STK-0150\u00c4')}.pdf`],
  ['stk-0042', `stk-0042~${refHash('stk-0042')}.pdf`],
  ['STK-0042', `STK-0042~${refHash('STK-0042')}.pdf`],
  ['../../etc/passwd', `etc_passwd~${refHash('../../etc/passwd')}.pdf`],
  ['CON', `_CON~${refHash('CON')}.pdf`],
  ['.hidden', `hidden~${refHash('.hidden')}.pdf`],
  ['back\\slash', `back_slash~${refHash('back\\slash')}.pdf`],
  ['STK 50%#?&', `STK_50~${refHash('STK 50%#?&')}.pdf`],
  ['Stra\u00dfe-12', `Strasse-12~${refHash('Stra\u00dfe-12')}.pdf`],
];

type ManifestRow = { ref: string; file: string; status: string; bytes: string; sha256: string };
const manifestOf = (folder: string): ManifestRow[] => parse(readFileSync(join(folder, 'manifest.csv'), 'utf8'), { columns: true }) as ManifestRow[];

describe('a local run over awkward refs', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  let result: CliResult;
  let report: RunReport;
  const env = { PORTAL_USER: DEMO_CREDENTIALS.username, PORTAL_PASS: DEMO_CREDENTIALS.password };
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 16, awkwardRefs: true });
    dir = tempDir();
    result = await runCli(['run', '--portal', portal.url, '--out', dir.path, '--json', '--workers', '3'], env);
    report = JSON.parse(result.stdout) as RunReport;
  }, 120_000);
  afterAll(async () => {
    await portal?.close();
    dir?.cleanup();
  });

  it('serves every awkward shape from the demo portal (the test covers them all)', () => {
    expect(EXPECTED.map(([ref]) => ref)).toEqual([...AWKWARD_DEMO_REFS]);
    expect(portal.inventory.slice(0, EXPECTED.length).map((v) => v.ref)).toEqual([...AWKWARD_DEMO_REFS]);
  });

  it('downloads every vehicle: all DONE, none skipped for the characters in its ref', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(report).toMatchObject({ total_inventory: 16, succeeded: 16, failed: 0, skipped: 0 });
  });

  it.each(EXPECTED)('stores %j as %j, a PDF that verifies as that vehicle', async (ref, file) => {
    const folder = join(dir.path, report.runId);
    expect(readdirSync(folder)).toContain(file);
    const row = manifestOf(folder).find((r) => r.ref === ref);
    expect(row, ref).toMatchObject({ ref, file, status: 'DONE' });
    expect(Number(row!.bytes)).toBeGreaterThan(0);
  });

  it('writes exactly one PDF per vehicle in the run folder, named as the rule says, and nothing else', async () => {
    const folder = join(dir.path, report.runId);
    const names = assignFileNames(portal.inventory.map((v) => v.ref));
    const pdfs = readdirSync(folder).filter((f) => f.endsWith('.pdf'));
    expect(pdfs.sort()).toEqual([...names.values()].sort());
    expect(readdirSync(dir.path).filter((f) => !f.startsWith('fleetpdf.db'))).toEqual([report.runId]);
    await expectAllStoredAndVerified(portal, folder);
  });

  it('downloads them all through worker pages too (--fetch browser: the vehicle page, then its download control)', async () => {
    const browser = await runCli(['run', '--portal', portal.url, '--out', dir.path, '--new', '--json', '--workers', '3', '--fetch', 'browser'], env);
    expect(browser.code, browser.stderr).toBe(0);
    const again = JSON.parse(browser.stdout) as RunReport;
    expect(again).toMatchObject({ succeeded: 16, failed: 0, skipped: 0, browser_downloads: 16 });
    const files = readdirSync(join(dir.path, again.runId)).filter((f) => f.endsWith('.pdf'));
    expect(files.sort()).toEqual(readdirSync(join(dir.path, report.runId)).filter((f) => f.endsWith('.pdf')).sort());
  });

  it('under --limit counts only the selected vehicles, and names them as the full run did', async () => {
    const limited = await runCli(['run', '--portal', portal.url, '--out', dir.path, '--new', '--json', '--workers', '2', '--limit', '5'], env);
    expect(limited.code, limited.stderr).toBe(0);
    const small = JSON.parse(limited.stdout) as RunReport;
    expect(small).toMatchObject({ total_inventory: 5, succeeded: 5, skipped: 0, selection: { limit: 5, inventory: 16 } });
    expect(limited.stderr).toContain('Done 5 of 5, failed 0, skipped 0 (--limit 5 of 16 in the inventory)');
    // The case twins are in the first 5: their names carry hashes although only some of the inventory was selected.
    const files = manifestOf(join(dir.path, small.runId)).map((r) => [r.ref, r.file]);
    const full = new Map(manifestOf(join(dir.path, report.runId)).map((r) => [r.ref, r.file]));
    for (const [ref, file] of files) expect(file, ref).toBe(full.get(ref!));
  });
});
