import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakerSignal } from '../../lib/core/attempt/index.js';
import { classify, StorageFullError } from '../../lib/core/errors.js';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { runCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const ENV = { PORTAL_USER: 'demo', PORTAL_PASS: 'demo-pass' };
const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: 'ENOSPC' });

describe('a full disk is ours, not the portal\'s', () => {
  it('ENOSPC, EDQUOT and SQLITE_FULL classify as StorageFullError (stop), never transient', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'SQLITE_FULL']) {
      const error = classify(Object.assign(new Error(`${code}: full`), { code }));
      expect(error).toBeInstanceOf(StorageFullError);
      expect(error.reason).toBe('storage_full');
      expect(error.disposition).toBe('stop');
      expect(error.message).toMatch(/free space and run again/);
    }
  });

  it('a storage-full outcome is not counted on the circuit breaker', () => {
    const error = new StorageFullError('/out/2026-12-02-1', { cause: enospc() });
    expect(error.message).toContain('/out/2026-12-02-1');
    expect(breakerSignal({ kind: 'error', ref: 'A1', error, durationMs: 1 })).toBe('none');
  });
});

/** A tmpfs needs root; elsewhere the unit tests above still cover the classification. */
function mountTmpfs(dir: string, size: string): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: cannot mount a tmpfs';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount not permitted: ${(error as Error).message.split('\n')[0]}`;
  }
}

describe('a disk that fills mid-run (real tmpfs), then frees', () => {
  let portal: DemoPortal;
  let tmp: ReturnType<typeof tempDir>;
  let mnt: string;
  let skip: string | undefined;

  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 60 });
    tmp = tempDir();
    mnt = join(tmp.path, 'mnt');
    mkdirSync(mnt);
    skip = mountTmpfs(mnt, '4m');
    if (skip) console.warn(`disk-full e2e skipped: ${skip}`);
  });
  afterAll(async () => {
    await portal.close();
    if (!skip) execFileSync('umount', [mnt]);
    tmp.cleanup();
  });

  it('stops with exit 3 naming the folder, then a resume finishes with nothing fetched twice', async (ctx) => {
    if (skip) ctx.skip();
    const out = join(mnt, 'out');
    const filler = join(mnt, 'filler');
    // Leave room for the database and a few PDFs only.
    writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024 - 640 * 1024));
    const args = ['run', '--portal', portal.url, '--out', out, '--workers', '2', '--json'];
    const first = await runCli(args, ENV);
    expect(first.code, first.stderr).toBe(3);
    const stopped = first.stderr.split('\n').filter((l) => /free space and run again/.test(l));
    expect(stopped.length, first.stderr).toBeGreaterThan(0);
    expect(stopped.join('\n')).toContain(out);
    expect(first.stderr).not.toMatch(/circuit breaker|transient/);
    // --json prints the report from memory even when it could not be written.
    const report = JSON.parse(first.stdout);
    expect(report.status).toBe('stopped');
    expect(report.failed).toBe(0);
    expect(report.succeeded).toBeLessThan(60);

    rmSync(filler);
    const second = await runCli(args, ENV);
    expect(second.code, second.stderr).toBe(0);
    const done = JSON.parse(second.stdout);
    expect(done.succeeded).toBe(60);
    expect(readdirSync(done.output).filter((f) => f.endsWith('.pdf'))).toHaveLength(60);
    const twice = Object.entries(portal.stats().pdfServed).filter(([, n]) => n > 1);
    // Only the vehicles being stored when the disk filled can have been fetched twice.
    expect(twice.length).toBeLessThanOrEqual(4);
  }, 120_000);
});
