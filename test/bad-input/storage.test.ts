import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { runCli, type CliResult } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const ENV = { PORTAL_USER: 'demo', PORTAL_PASS: 'demo-pass' };
const errorLines = (r: CliResult) => r.stderr.split('\n').filter((l) => l.startsWith('fleetpdf: error:'));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const isRoot = process.getuid?.() === 0;

/** Every file under `dir` (relative path -> sha256), skipping the SQLite side files. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (!/fleetpdf\.db-(wal|shm)$/.test(entry.name)) out.set(rel, sha(join(dir, rel)));
    }
  };
  walk('');
  return out;
}

function doneRefs(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare(`SELECT ref FROM vehicles WHERE status = 'DONE' ORDER BY ref`).all() as { ref: string }[]).map((r) => r.ref);
  } finally {
    db.close();
  }
}

describe('unusable output folder or tracking database: exit 2, one line, nothing already downloaded lost', () => {
  let portal: DemoPortal;
  let tmp: ReturnType<typeof tempDir>;
  /** A finished run: its folder with PDFs and its fleetpdf.db. */
  let good: string;
  let goodFiles: Map<string, string>;
  let runId: string;
  let pdfRefs: string[];

  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 5 });
    tmp = tempDir();
    good = join(tmp.path, 'good');
    const first = await runCli(['run', '--portal', portal.url, '--out', good, '--workers', '2'], ENV);
    expect(first.code, first.stderr).toBe(0);
    runId = readdirSync(good).find((f) => /^\d{4}-\d{2}-\d{2}-\d+$/.test(f))!;
    pdfRefs = readdirSync(join(good, runId)).filter((f) => f.endsWith('.pdf')).map((f) => f.slice(0, -4)).sort();
    expect(pdfRefs).toHaveLength(5);
    // Fold the WAL into the main file, so the snapshot covers every DONE row.
    const db = new Database(join(good, 'fleetpdf.db'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    goodFiles = snapshot(good);
  });
  afterAll(async () => {
    await portal?.close();
    tmp?.cleanup();
  });

  /** A copy of the finished run to break. */
  function copyOfRun(name: string): string {
    const dir = join(tmp.path, name);
    cpSync(good, dir, { recursive: true });
    return dir;
  }

  /** The PDFs of the run are all still there, byte for byte. */
  function expectPdfsIntact(dir: string): void {
    const now = snapshot(dir);
    for (const [rel, hash] of goodFiles) if (rel.endsWith('.pdf')) expect(now.get(rel), rel).toBe(hash);
  }

  it.each([
    ['garbage bytes', () => Buffer.from('this is not a database, just some text\n'.repeat(200))],
    ['a truncated copy (header only)', (real: Buffer) => real.subarray(0, 100)],
    ['an SQLite header followed by zeros', (real: Buffer) => Buffer.concat([real.subarray(0, 100), Buffer.alloc(8192)])],
  ])('corrupt fleetpdf.db (%s): exit 2 naming the file, file untouched, PDFs intact', async (what, make) => {
    const dir = copyOfRun(`corrupt-${what.replace(/\W+/g, '-')}`);
    const dbPath = join(dir, 'fleetpdf.db');
    const bad = make(readFileSync(dbPath));
    writeFileSync(dbPath, bad);
    for (const side of ['-wal', '-shm']) rmSync(dbPath + side, { force: true });
    const before = sha(dbPath);

    const result = await runCli(['run', '--portal', portal.url, '--out', dir], ENV);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(2);
    expect(errorLines(result)).toEqual([expect.stringMatching(/tracking database .*fleetpdf\.db .*(not a valid SQLite database|cannot use)/)]);
    expect(sha(dbPath)).toBe(before);
    expect(existsSync(`${dbPath}-wal`) ? readFileSync(`${dbPath}-wal`).length : 0).toBe(0);
    expectPdfsIntact(dir);
    expect(portal.stats().pdfRequests).toBeGreaterThan(0);
  });

  it('fleetpdf.db written by a newer fleetpdf (schema version ahead): exit 2, asks to upgrade, untouched', async () => {
    const dir = copyOfRun('newer');
    const dbPath = join(dir, 'fleetpdf.db');
    const db = new Database(dbPath);
    db.pragma('user_version = 99');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = sha(dbPath);
    const result = await runCli(['run', '--portal', portal.url, '--out', dir], ENV);
    expect(result.code).toBe(2);
    expect(errorLines(result)).toEqual([expect.stringMatching(/newer fleetpdf \(schema 99/)]);
    expect(sha(dbPath)).toBe(before);
    expect(doneRefs(dbPath)).toEqual(pdfRefs);
    expectPdfsIntact(dir);
  });

  it('fleetpdf.db is a folder: exit 2, one line naming it', async () => {
    const dir = join(tmp.path, 'db-is-dir');
    mkdirSync(join(dir, 'fleetpdf.db'), { recursive: true });
    const result = await runCli(['run', '--portal', portal.url, '--out', dir], ENV);
    expect(result.code).toBe(2);
    expect(errorLines(result)).toEqual([expect.stringContaining('fleetpdf.db')]);
  });

  it.each([
    ['a regular file', (file: string) => file, /output folder .*not-a-folder is a file, not a folder/],
    ['a path under a regular file', (file: string) => join(file, 'sub'), /output folder .*not-a-folder[\\/]sub is not writable \(ENOTDIR.*\): part of its path is a file, not a folder$/],
  ])('--out is %s: exit 2 naming it, before any portal request; the existing run is untouched', async (_what, outOf, message) => {
    const file = join(tmp.path, 'not-a-folder');
    writeFileSync(file, 'keep me\n');
    const served = portal.stats().pdfRequests;
    const result = await runCli(['run', '--portal', portal.url, '--out', outOf(file)], ENV);
    expect(result.code).toBe(2);
    expect(errorLines(result)).toEqual([expect.stringMatching(message)]);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(portal.stats().pdfRequests).toBe(served);
  });

  it.skipIf(isRoot)('read-only output folder: exit 2 naming it, PDFs and DB intact (skipped as root: chmod does not stop root writing)', async () => {
    const dir = copyOfRun('read-only');
    chmodSync(join(dir, runId), 0o555);
    chmodSync(dir, 0o555);
    try {
      const result = await runCli(['run', '--portal', portal.url, '--out', dir, '--new'], ENV);
      expect(result.code).toBe(2);
      expect(errorLines(result)).toEqual([expect.stringMatching(/not writable|read-only|EACCES/)]);
      expect(doneRefs(join(dir, 'fleetpdf.db'))).toEqual(pdfRefs);
      expectPdfsIntact(dir);
    } finally {
      chmodSync(dir, 0o755);
      chmodSync(join(dir, runId), 0o755);
    }
  });

  it('the original run survives all of the above: every PDF and DONE row still there', () => {
    expect(doneRefs(join(good, 'fleetpdf.db'))).toEqual(pdfRefs);
    expectPdfsIntact(good);
  });
});
