import { readdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../harness/cli.js';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { securityWarnings } from '../../lib/cli/security-warnings.js';
import { tempDir } from '../helpers/fixtures.js';

/** Issue 14 item 5: a business's documents are owner-only unless told otherwise. */

const mode = (path: string) => statSync(path).mode & 0o777;

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name));
}

const runArgs = (out: string) => ['run', '--vehicles', '6', '--workers', '2', '--out', out, '--json'];

describe('files a run creates', () => {
  let dir: ReturnType<typeof tempDir>;
  let shared: ReturnType<typeof tempDir>;
  let result: CliResult;
  let sharedResult: CliResult;
  beforeAll(async () => {
    dir = tempDir();
    shared = tempDir();
    [result, sharedResult] = await Promise.all([
      runCli(runArgs(join(dir.path, 'out'))),
      runCli(runArgs(join(shared.path, 'out')), { FLEETPDF_SHARED_FILES: '1' }),
    ]);
  }, 120_000);
  afterAll(() => {
    dir?.cleanup();
    shared?.cleanup();
  });

  it('are owner-only: the out folder and run folders 0700, PDFs, reports and the database 0600', () => {
    expect(result.code, result.stderr).toBe(0);
    const out = join(dir.path, 'out');
    expect(mode(out)).toBe(0o700);
    const paths = tree(out);
    expect(paths.filter((p) => p.endsWith('.pdf'))).toHaveLength(6);
    for (const name of ['fleetpdf.db', 'report.json', 'manifest.csv', 'report.html']) {
      expect(paths.some((p) => p.endsWith(name)), name).toBe(true);
    }
    for (const path of paths) {
      const expected = statSync(path).isDirectory() ? 0o700 : 0o600;
      expect(mode(path).toString(8), path).toBe(expected.toString(8));
    }
  });

  it('keep the umask with FLEETPDF_SHARED_FILES=1', () => {
    expect(sharedResult.code, sharedResult.stderr).toBe(0);
    const umask = process.umask();
    const pdf = tree(join(shared.path, 'out')).find((p) => p.endsWith('.pdf'))!;
    expect(mode(pdf)).toBe(0o666 & ~umask);
    expect(mode(join(shared.path, 'out'))).toBe(0o777 & ~umask);
  });
});

describe('security warnings', () => {
  it('warn about a .env other users can read, and plain http to a host that is not loopback', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, '.env'), 'PORTAL_PASS=x\n');
      chmodSync(join(dir.path, '.env'), 0o644);
      const lines = securityWarnings({ portalUrl: 'http://portal.example.com/app', envFileRead: true, cwd: dir.path });
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/\.env is readable by other users .* chmod 600 /);
      expect(lines[1]).toMatch(/^the portal URL http:\/\/portal\.example\.com is plain http/);
      chmodSync(join(dir.path, '.env'), 0o600);
      for (const url of ['https://portal.example.com', 'http://127.0.0.1:4010', 'http://localhost:80', 'http://[::1]:4010']) {
        expect(securityWarnings({ portalUrl: url, envFileRead: true, cwd: dir.path }), url).toEqual([]);
      }
    } finally {
      dir.cleanup();
    }
  });

  describe('as the CLI prints them', () => {
    let portal: DemoPortal;
    let dir: ReturnType<typeof tempDir>;
    beforeAll(async () => {
      portal = await startDemoPortal({ vehicles: 2, credentials: { username: 'u', password: 'p' } });
      dir = tempDir();
    });
    afterAll(async () => {
      await portal?.close();
      dir?.cleanup();
    });

    it('a readable .env gets one warning line on stderr, and the run goes on', async () => {
      writeFileSync(join(dir.path, '.env'), 'PORTAL_USER=u\nPORTAL_PASS=p\n', { mode: 0o644 });
      chmodSync(join(dir.path, '.env'), 0o644);
      const result = await runCli(['run', '--portal', portal.url, '--out', join(dir.path, 'out'), '--json'], {}, { cwd: dir.path });
      expect(result.code, result.stderr).toBe(0);
      const warnings = result.stderr.split('\n').filter((l) => l.startsWith('warning:'));
      expect(warnings).toEqual([`warning: ${join(dir.path, '.env')} is readable by other users and may hold the portal password; run: chmod 600 ${join(dir.path, '.env')}`]);
    }, 60_000);
  });
});
