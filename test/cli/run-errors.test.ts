import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { runCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const oneLine = (text: string) => text.trim().split('\n').filter((l) => l.startsWith('fleetpdf: error:'));

describe('fleetpdf run with bad input', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => dir.cleanup());

  it.each([
    [['--workers', 'abc'], '--workers'],
    [['--workers', '0'], '--workers'],
    [['--faults', '5xx=abc'], '5xx'],
    [['--faults', 'meteor=1'], 'meteor'],
    [['--portal', 'not a url'], '--portal'],
    [['--profile', 'nope'], 'unknown profile'],
  ])('%j exits 2 with one line naming the problem', async (args, needle) => {
    const result = await runCli(['run', '--out', dir.path, ...args]);
    expect(result.code).toBe(2);
    const lines = oneLine(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(needle);
  });

  it('needs credentials for a real portal', async () => {
    const result = await runCli(['run', '--portal', 'http://127.0.0.1:9', '--out', dir.path], { PORTAL_USER: '', PORTAL_PASS: '' });
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)[0]).toContain('PORTAL_USER');
  });
});

describe('fleetpdf run with wrong credentials', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 10 });
    dir = tempDir();
  });
  afterAll(async () => {
    await portal.close();
    dir.cleanup();
  });

  it('fails fast: one login attempt, one clear line, exit 3, no vehicle touched, password never shown', async () => {
    const password = 'Sup3r-Secret-Pw';
    const result = await runCli(['run', '--portal', portal.url, '--out', dir.path], { PORTAL_USER: 'demo', PORTAL_PASS: password });
    expect(result.code).toBe(3);
    expect(oneLine(result.stderr)).toEqual([expect.stringContaining('rejected the credentials')]);
    expect(result.stderr + result.stdout).not.toContain(password);
    const stats = portal.stats();
    expect(stats.failedLogins).toBe(1);
    expect(stats.pdfRequests).toBe(0);
    if (existsSync(dir.path)) {
      const runs = readdirSync(dir.path).filter((f) => /^\d{4}-\d{2}-\d{2}-\d+$/.test(f));
      for (const run of runs) expect(readdirSync(`${dir.path}/${run}`).filter((f) => f.endsWith('.pdf'))).toEqual([]);
    }
  });
});
