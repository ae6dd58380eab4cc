import { cpSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFolder } from '../../lib/adapters/local/sqlite-store.js';
import { DEMO_CREDENTIALS, startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { runCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const creds = { PORTAL_USER: DEMO_CREDENTIALS.username, PORTAL_PASS: DEMO_CREDENTIALS.password };
const pdfs = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.pdf')).sort();

describe('runFolder: run folders are resolved under the current --out', () => {
  it('a name, an old absolute path under out, and one from a moved or copied folder', () => {
    expect(runFolder('/new/out', '2026-12-02-1')).toBe('/new/out/2026-12-02-1');
    expect(runFolder('/new/out', '/new/out/2026-12-02-1')).toBe('/new/out/2026-12-02-1');
    expect(runFolder('/new/out', '/old/out/2026-12-02-1')).toBe('/new/out/2026-12-02-1');
    expect(runFolder('/new/out', '/new/outside/2026-12-02-1')).toBe('/new/out/2026-12-02-1');
  });
});

/** Make a finished run look stopped part way: the run open again, its first `n` vehicles PENDING (their PDFs stay). */
function forgetSome(db: string, n: number): string[] {
  const handle = new Database(db);
  try {
    const refs = (handle.prepare(`SELECT ref FROM vehicles ORDER BY ref LIMIT ?`).all(n) as { ref: string }[]).map((r) => r.ref);
    handle.prepare(`UPDATE runs SET status = 'running', finished_at = NULL`).run();
    const reset = handle.prepare(`UPDATE vehicles SET status = 'PENDING', attempts = 0 WHERE ref = ?`);
    for (const ref of refs) reset.run(ref);
    return refs;
  } finally {
    handle.close();
  }
}

/** Rewrite the runs table as fleetpdf before this change wrote it: an absolute folder path. */
function storeAbsoluteFolder(db: string, folder: string): void {
  const handle = new Database(db);
  try {
    handle.prepare(`UPDATE runs SET folder = ?`).run(folder);
  } finally {
    handle.close();
  }
}

describe('a moved or copied --out folder resumes where it is', () => {
  let portal: DemoPortal;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 8 });
    tmp = tempDir();
  });
  afterAll(async () => {
    await portal.close();
    tmp.cleanup();
  });

  const args = (out: string) => ['run', '--portal', portal.url, '--out', out, '--workers', '2', '--json'];

  it('moved: the run resumes in the new place (old absolute path in the db too), nothing downloaded twice', async () => {
    const a = join(tmp.path, 'a');
    const first = await runCli(args(a), creds);
    expect(first.code, first.stderr).toBe(0);
    const runId = JSON.parse(first.stdout).runId as string;
    const forgotten = forgetSome(join(a, 'fleetpdf.db'), 3);
    storeAbsoluteFolder(join(a, 'fleetpdf.db'), join(a, runId));
    const moved = join(tmp.path, 'moved');
    renameSync(a, moved);
    const before = { ...portal.stats().pdfServed };

    const second = await runCli(args(moved), creds);
    expect(second.code, second.stderr).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.runId).toBe(runId);
    expect(report.output).toBe(join(moved, runId));
    expect(report.succeeded).toBe(8);
    expect(pdfs(join(moved, runId))).toHaveLength(8);
    // The forgotten rows' PDFs were on disk: adopted after verification, not fetched again.
    for (const ref of forgotten) expect(portal.stats().pdfServed[ref] ?? 0).toBe(before[ref] ?? 0);
  }, 120_000);

  it("copied: the copy resumes in itself and the original's reports are not touched", async () => {
    const orig = join(tmp.path, 'orig');
    const first = await runCli(args(orig), creds);
    expect(first.code, first.stderr).toBe(0);
    const runId = JSON.parse(first.stdout).runId as string;
    forgetSome(join(orig, 'fleetpdf.db'), 2);
    storeAbsoluteFolder(join(orig, 'fleetpdf.db'), join(orig, runId));
    const copy = join(tmp.path, 'copy');
    cpSync(orig, copy, { recursive: true });
    const origReports = ['report.json', 'report.html', 'manifest.csv'].map((f) => ({
      f,
      bytes: readFileSync(join(orig, runId, f)),
      mtime: statSync(join(orig, runId, f)).mtimeMs,
    }));

    const second = await runCli(args(copy), creds);
    expect(second.code, second.stderr).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.output).toBe(join(copy, runId));
    expect(report.succeeded).toBe(8);
    expect(JSON.parse(readFileSync(join(copy, runId, 'report.json'), 'utf8')).output).toBe(join(copy, runId));
    for (const { f, bytes, mtime } of origReports) {
      expect(readFileSync(join(orig, runId, f)).equals(bytes), `${f} in the original`).toBe(true);
      expect(statSync(join(orig, runId, f)).mtimeMs).toBe(mtime);
    }
  }, 120_000);
});
