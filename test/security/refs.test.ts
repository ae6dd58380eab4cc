import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3DocumentStore } from '../../lib/adapters/aws/index.js';
import { FsDocumentStore } from '../../lib/adapters/local/index.js';
import { parseInventoryCsv } from '../../lib/core/portal/inventory-csv.js';
import { DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { dealerValues } from '../../lib/profiles/index.js';
import { runCli, type CliResult } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { treeOf } from './leak-helpers.js';

/**
 * Issue 5, security: a ref (or a run id) can never name a file outside the run folder or a
 * key outside `runs/<runId>/pdfs/`: both document stores refuse every escaping name before
 * touching the disk or S3, the inventory parser skips such rows with a reason, and a whole
 * CLI run over an inventory full of them writes nothing outside its run folder.
 */

const BAD_REFS = ['../x', 'a/b', '/etc/passwd', '..', '.', '.hidden', 'a\0b', 'a\\b', '..\\x', '', 'x/../../y'];
/** S3 keys follow the inventory's stricter ref rules (a literal `%2e%2e%2f` file name is harmless on disk). */
const BAD_S3_REFS = [...BAD_REFS, '%2e%2e%2fx', ' ../x', 'a b'];
const BAD_RUN_IDS = ['../../x', '..', '.', '/tmp', 'a/b', '2026-01-01-1/../..', '2026-01-01-1\0', '.hidden'];
const RUN_ID = '2026-01-01-1';
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const SHA = 'ignored';

describe('FsDocumentStore refuses names that could leave the run folder', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: FsDocumentStore;
  beforeAll(() => {
    dir = tempDir();
    mkdirSync(join(dir.path, 'out'));
    store = new FsDocumentStore(join(dir.path, 'out'));
  });
  afterAll(() => dir.cleanup());

  it.each(BAD_REFS.map((r) => [JSON.stringify(r), r]))('ref %s', async (_shown, ref) => {
    expect(() => store.keyFor(RUN_ID, ref)).toThrow();
    expect(() => store.pathFor(RUN_ID, ref)).toThrow();
    await expect(store.put(RUN_ID, ref, PDF, SHA)).rejects.toThrow();
    await expect(store.get(RUN_ID, ref)).rejects.toThrow();
  });

  it.each(BAD_RUN_IDS.map((r) => [JSON.stringify(r), r]))('run id %s', async (_shown, runId) => {
    expect(() => store.pathFor(runId, 'REF1')).toThrow();
    await expect(store.put(runId, 'REF1', PDF, SHA)).rejects.toThrow();
    expect(() => store.cleanTemp(runId)).toThrow();
  });

  it('wrote nothing anywhere while refusing, and still stores a good ref in the run folder', async () => {
    expect(treeOf(dir.path)).toEqual(['out']);
    await store.put(RUN_ID, 'GOOD-1', PDF, SHA);
    expect(treeOf(dir.path)).toEqual(['out', `out/${RUN_ID}`, `out/${RUN_ID}/GOOD-1.pdf`]);
  });
});

describe('S3DocumentStore refuses refs and run ids that could leave runs/<runId>/pdfs/', () => {
  const send = vi.fn(async () => {
    throw new Error('S3 must not be called');
  });
  const store = new S3DocumentStore({ client: { send } as unknown as S3Client, bucket: 'b' });

  it.each(BAD_S3_REFS.map((r) => [JSON.stringify(r), r]))('ref %s', async (_shown, ref) => {
    expect(() => store.keyFor(RUN_ID, ref)).toThrow(/cannot be an S3 key/);
    await expect(store.put(RUN_ID, ref, PDF, SHA)).rejects.toThrow(/cannot be an S3 key/);
    await expect(store.get(RUN_ID, ref)).rejects.toThrow(/cannot be an S3 key/);
  });

  it.each(BAD_RUN_IDS.map((r) => [JSON.stringify(r), r]))('run id %s', async (_shown, runId) => {
    expect(() => store.keyFor(runId, 'REF1')).toThrow(/S3 prefix/);
    await expect(store.put(runId, 'REF1', PDF, SHA)).rejects.toThrow();
    await expect(store.listPdfs(runId)).rejects.toThrow();
  });

  it('refuses report/manifest keys outside runs/ or with dot segments', async () => {
    for (const key of ['report.json', 'runs/../x', 'runs/a/../../x', 'runs//x', 'runs/./x', '/runs/x']) {
      await expect(store.putText(key, 'x', 'text/plain'), key).rejects.toThrow(/refusing/);
    }
  });

  it('never called S3 for any of them', () => {
    expect(send).not.toHaveBeenCalled();
  });
});

describe('parseInventoryCsv skips escaping refs with a reason', () => {
  const rows = ['../../evil', '../x', 'a/b', '/etc/passwd', '..', '.hidden', 'a\\b', 'nul\0byte'];
  const csv = ['Reference Number,VIN', 'GOOD-1,', ...rows.map((r) => `"${r}",`)].join('\n');

  it('keeps the good row and rejects every bad one, naming the problem', () => {
    const parsed = parseInventoryCsv(csv, dealerValues.inventory.columns);
    expect(parsed.vehicles.map((v) => v.ref)).toEqual(['GOOD-1']);
    expect(parsed.rejected.map((r) => r.ref)).toEqual(rows);
    for (const r of parsed.rejected) expect(r.reason, r.ref).toMatch(/^unsafe ref .+: /);
  });
});

describe('a CLI run whose inventory holds escaping refs writes only inside its run folder', () => {
  const EVIL = ['../../evil', '../evil2', 'sub/evil3', '/tmp/fleetpdf-evil-abs', '.evil4', '..\\evil5'];
  let portal: DemoPortal;
  let root: ReturnType<typeof tempDir>;
  let out: string;
  let result: CliResult;
  beforeAll(async () => {
    portal = await startDemoPortal({
      vehicles: 4,
      extraCsvRows: EVIL.map((ref) => ({ 'Reference Number': ref, VIN: '' })),
    });
    root = tempDir();
    out = join(root.path, 'a', 'b', 'out');
    mkdirSync(out, { recursive: true });
    result = await runCli(['run', '--portal', portal.url, '--out', out, '--json', '--workers', '2', '--retry-delay', '50'], {
      PORTAL_USER: DEMO_CREDENTIALS.username,
      PORTAL_PASS: DEMO_CREDENTIALS.password,
    });
  }, 90_000);
  afterAll(async () => {
    await portal?.close();
    root?.cleanup();
  });

  it('downloads the good vehicles and skips every evil ref with its reason', () => {
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ succeeded: 4, failed: 0, skipped: EVIL.length });
    expect(report.skipped_refs.map((s: { ref: string }) => s.ref).sort()).toEqual([...EVIL].sort());
    for (const s of report.skipped_refs) expect(s.reason).toMatch(/unsafe ref/);
  });

  it('left nothing outside out/<runId>/ except the tracking database', () => {
    const report = JSON.parse(result.stdout);
    const tree = treeOf(root.path);
    const run = `a/b/out/${report.runId}`;
    const allowedOutside = /^a\/b\/out\/fleetpdf\.db(-wal|-shm|-journal)?$/;
    const outside = tree.filter((p) => !['a', 'a/b', 'a/b/out', run].includes(p) && !p.startsWith(`${run}/`) && !allowedOutside.test(p));
    expect(outside).toEqual([]);
    const inRun = tree.filter((p) => p.startsWith(`${run}/`)).map((p) => p.slice(run.length + 1));
    expect(inRun.every((p) => !p.includes('/')), inRun.join(', ')).toBe(true);
    expect(inRun.sort()).toEqual(
      [...portal.inventory.map((v) => `${v.ref}.pdf`), 'inventory.csv', 'manifest.csv', 'report.html', 'report.json'].sort(),
    );
    expect(tree.some((p) => /evil/.test(p))).toBe(false);
    // The CSV the run keeps does list them (as skipped rows), verbatim.
    expect(readFileSync(join(out, report.runId, 'manifest.csv'), 'utf8')).toContain('../../evil');
  });
});
