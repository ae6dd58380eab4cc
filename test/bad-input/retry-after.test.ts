import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../harness/cli.js';
import { ExitCode } from '../../lib/cli/exit-codes.js';
import { tempDir } from '../helpers/fixtures.js';

/**
 * Issue 14 item 9: a portal that answers `Retry-After: 86400` does not park every vehicle for a
 * day: the run stops at once with exit 3 and the wait the portal asked for, nothing counted as
 * failed, and the next run (the portal willing again) finishes every vehicle.
 */
describe('a Retry-After longer than --max-retry-after', () => {
  let dir: ReturnType<typeof tempDir>;
  let stopped: CliResult;
  let resumed: CliResult;
  const args = (faults: string) =>
    ['run', '--vehicles', '6', '--workers', '2', '--fetch', 'direct', '--out', dir.path, '--json', ...(faults ? ['--faults', faults] : [])];
  beforeAll(async () => {
    dir = tempDir();
    stopped = await runCli(args('wait=86400'));
    resumed = await runCli(args(''));
  }, 120_000);
  afterAll(() => dir?.cleanup());

  it('stops the run with exit 3 and one line naming the wait and what to do', () => {
    expect(stopped.code, stopped.stderr).toBe(ExitCode.STOPPED);
    const line = stopped.stderr.split('\n').find((l) => l.startsWith('stopped:'));
    expect(line).toMatch(/^stopped: the portal asked to wait 24 h \(Retry-After\).*run again later$/);
  });

  it('prints the report with nothing failed and every vehicle still open', () => {
    const report = JSON.parse(stopped.stdout);
    expect(report).toMatchObject({ status: 'stopped', failed: 0, succeeded: 0 });
    expect(report.pending).toHaveLength(6);
  });

  it('the next run resumes the same run and downloads all six', () => {
    expect(resumed.code, resumed.stderr).toBe(ExitCode.OK);
    const before = JSON.parse(stopped.stdout);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId: before.runId, succeeded: 6, failed: 0 });
  });
});
