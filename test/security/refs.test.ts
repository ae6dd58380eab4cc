import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3DocumentStore } from '../../lib/adapters/aws/index.js';
import { FsDocumentStore } from '../../lib/adapters/local/index.js';
import { assignFileNames, fileNameFor } from '../../lib/core/file-name.js';
import { parseInventoryCsv } from '../../lib/core/portal/inventory-csv.js';
import { DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { dealerValues } from '../../lib/profiles/index.js';
import { runCli, type CliResult } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { treeOf } from './leak-helpers.js';

/**
 * Issue 5, security, and issue 13 (every vehicle reachable): a ref (or a run id) can never
 * name a file outside the run folder or a key outside `runs/<runId>/pdfs/`. A ref is never a
 * path: it is turned into a file name (lib/core/file-name.ts) that holds no separator and no
 * dot name, and both document stores refuse any name the rule could not have made before
 * touching the disk or S3. A whole CLI run over an inventory full of escaping refs downloads
 * every one of them, and writes nothing outside its run folder.
 */

const BAD_REFS = ['../x', 'a/b', '/etc/passwd', '..', '.', '.hidden', 'a\0b', 'a\\b', '..\\x', '', 'x/../../y', '%2e%2e%2fx', ' ../x', 'a b'];
/** Names no ref gives: what a tampered tracking row or message could hold. */
const BAD_FILES = [...BAD_REFS, ...BAD_REFS.map((r) => `${r}.pdf`), 'CON.pdf', 'a/../b.pdf'];
const BAD_RUN_IDS = ['../../x', '..', '.', '/tmp', 'a/b', '2026-01-01-1/../..', '2026-01-01-1\0', '.hidden'];
const RUN_ID = '2026-01-01-1';
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const SHA = 'ignored';
const good = { ref: 'REF1', file: 'REF1.pdf' };

describe('FsDocumentStore keeps every document directly in its run folder', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: FsDocumentStore;
  beforeAll(() => {
    dir = tempDir();
    mkdirSync(join(dir.path, 'out'));
    store = new FsDocumentStore(join(dir.path, 'out'));
  });
  afterAll(() => dir.cleanup());

  it.each(BAD_FILES.map((f) => [JSON.stringify(f), f]))('refuses the file name %s', async (_shown, file) => {
    const name = { ref: 'REF1', file };
    expect(() => store.keyFor(RUN_ID, name)).toThrow();
    expect(() => store.pathFor(RUN_ID, name)).toThrow();
    await expect(store.put(RUN_ID, name, PDF, SHA)).rejects.toThrow();
    await expect(store.get(RUN_ID, name)).rejects.toThrow();
  });

  it.each(BAD_RUN_IDS.map((r) => [JSON.stringify(r), r]))('run id %s', async (_shown, runId) => {
    expect(() => store.pathFor(runId, good)).toThrow();
    await expect(store.put(runId, good, PDF, SHA)).rejects.toThrow();
    expect(() => store.cleanTemp(runId)).toThrow();
  });

  it('wrote nothing anywhere while refusing, then stores escaping refs under safe names in the run folder', async () => {
    expect(treeOf(dir.path)).toEqual(['out']);
    const refs = BAD_REFS.filter((r) => r !== '' && !r.includes('\0'));
    const names = assignFileNames(refs);
    for (const ref of refs) await store.put(RUN_ID, { ref, file: names.get(ref)! }, PDF, SHA);
    const tree = treeOf(dir.path);
    expect(tree.filter((p) => !p.startsWith(`out/${RUN_ID}/`))).toEqual(['out', `out/${RUN_ID}`]);
    expect(tree.filter((p) => p.startsWith(`out/${RUN_ID}/`)).sort()).toEqual([...names.values()].map((f) => `out/${RUN_ID}/${f}`).sort());
  });
});

describe('S3DocumentStore refuses names and run ids that could leave runs/<runId>/pdfs/', () => {
  const send = vi.fn(async () => {
    throw new Error('S3 must not be called');
  });
  const store = new S3DocumentStore({ client: { send } as unknown as S3Client, bucket: 'b' });

  it.each(BAD_FILES.map((f) => [JSON.stringify(f), f]))('file name %s', async (_shown, file) => {
    const name = { ref: 'REF1', file };
    expect(() => store.keyFor(RUN_ID, name)).toThrow(/not one fleetpdf makes/);
    await expect(store.put(RUN_ID, name, PDF, SHA)).rejects.toThrow(/not one fleetpdf makes/);
    await expect(store.get(RUN_ID, name)).rejects.toThrow(/not one fleetpdf makes/);
  });

  it.each(BAD_REFS.map((r) => [JSON.stringify(r), r]))('gives the ref %s a key directly under runs/<runId>/pdfs/', (_shown, ref) => {
    const key = store.keyFor(RUN_ID, { ref, file: fileNameFor(ref) });
    expect(key.startsWith(`runs/${RUN_ID}/pdfs/`)).toBe(true);
    const file = key.slice(`runs/${RUN_ID}/pdfs/`.length);
    expect(file).not.toMatch(/[/\\%\s]|^\.|\.\./);
  });

  it.each(BAD_RUN_IDS.map((r) => [JSON.stringify(r), r]))('run id %s', async (_shown, runId) => {
    expect(() => store.keyFor(runId, good)).toThrow(/S3 prefix/);
    await expect(store.put(runId, good, PDF, SHA)).rejects.toThrow();
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

describe('parseInventoryCsv keeps escaping refs as vehicles (their names are safe, not their refs)', () => {
  const rows = ['../../evil', '../x', 'a/b', '/etc/passwd', '..', '.hidden', 'a\\b'];
  const csv = ['Reference Number,VIN', 'GOOD-1,', ...rows.map((r) => `"${r}",`), '"nul\0byte",'].join('\n');

  it('keeps every printable ref exactly, and refuses only the control character', () => {
    const parsed = parseInventoryCsv(csv, dealerValues.inventory.columns);
    expect(parsed.vehicles.map((v) => v.ref)).toEqual(['GOOD-1', ...rows]);
    expect(parsed.rejected).toEqual([{ ref: 'nul\0byte', reason: expect.stringMatching(/^unsafe ref .+: contains a control character$/), line: 10 }]);
    for (const file of assignFileNames(rows).values()) expect(file).not.toMatch(/[/\\]|^\.|\.\./);
  });
});

describe('a CLI run whose inventory holds escaping refs downloads them all, writing only inside its run folder', () => {
  const EVIL = ['../../evil', '../evil2', 'sub/evil3', '/tmp/fleetpdf-evil-abs', '.evil4', '..\\evil5'];
  let portal: DemoPortal;
  let root: ReturnType<typeof tempDir>;
  let out: string;
  let result: CliResult;
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 10, awkwardRefs: EVIL });
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

  it('downloads every vehicle, the evil refs included, and skips none', () => {
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ succeeded: 10, failed: 0, skipped: 0 });
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
    const names = assignFileNames(portal.inventory.map((v) => v.ref));
    expect(inRun.sort()).toEqual([...names.values(), 'inventory.csv', 'manifest.csv', 'report.html', 'report.json'].sort());
    for (const ref of EVIL) expect(names.get(ref), ref).toMatch(/~[0-9a-f]{6}\.pdf$/);
    // The manifest lists the exact refs beside their file names.
    const manifest = readFileSync(join(out, report.runId, 'manifest.csv'), 'utf8');
    for (const ref of EVIL) expect(manifest).toContain(`${ref},${names.get(ref)},DONE,`);
  });
});
