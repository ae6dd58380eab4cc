import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../lib/cli/exit-codes.js';
import type { RunReport } from '../../lib/core/report/index.js';
import { runCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

/** Issue 13's command lines, as a user types them (each run starts its own demo portal). */
describe('fleetpdf run against sessions that die often', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => dir.cleanup());

  it('--vehicles 100 --workers 8 --fetch browser --faults expire=10: 100 DONE, exit 0', async () => {
    const out = join(dir.path, 'expire');
    const result = await runCli(['run', '--vehicles', '100', '--workers', '8', '--fetch', 'browser', '--faults', 'expire=10', '--out', out, '--json']);
    expect(result.code, result.stderr.slice(-2000)).toBe(ExitCode.OK);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report).toMatchObject({ status: 'completed', succeeded: 100, failed: 0, skipped: 0 });
    // Far fewer logins than vehicles: no login per vehicle, no login per worker.
    expect(report.session_refreshes).toBeLessThan(100);
    expect(result.stderr).toMatch(/the portal ended the session: concurrency \d+ -> \d+/);
  }, 180_000);

  it('--faults bounce=1 (every new session ends at once): exit 3 with one line after a handful of logins', async () => {
    const out = join(dir.path, 'storm');
    const result = await runCli(['run', '--vehicles', '50', '--workers', '8', '--faults', 'bounce=1', '--out', out]);
    expect(result.code).toBe(ExitCode.STOPPED);
    expect(result.stderr).toMatch(/^stopped: the portal ends every new session at once: the last 5 logins served no document .*; run again to resume$/m);
    expect(result.stderr.match(/^logged in \(session \d+\)$/gm)).toHaveLength(5);
  }, 120_000);
});
