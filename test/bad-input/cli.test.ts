import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../lib/cli/exit-codes.js';
import { runCli, type CliResult } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const ENV = { PORTAL_USER: 'demo', PORTAL_PASS: 'demo-pass' };
const errorLines = (r: CliResult) => r.stderr.split('\n').filter((l) => /^(fleetpdf: )?error:/.test(l));

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('bad fleetpdf run options: exit 2, one line naming the option and the rule, nothing created', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => dir.cleanup());

  // Each case is its own process (~1 s of Node startup): run a few at once.
  it.concurrent.each([
    [['--workers', 'abc'], '--workers must be a number'],
    [['--workers', '0'], '--workers must be at least 1'],
    [['--workers', '1000'], '--workers must be at most 64'],
    [['--workers=-1'], '--workers must be at least 1'],
    [['--workers', '1.5'], '--workers must be a whole number'],
    [['--faults', 'meteor=0.1'], 'bad --faults item "meteor=0.1": unknown fault "meteor"'],
    [['--faults', '5xx=1.5'], 'bad --faults item "5xx=1.5": 5xx must be a probability between 0 and 1'],
    [['--faults', 'hang'], 'bad --faults item "hang": expected key=value'],
    [['--faults', '5xx=0.1,5xx=0.2'], '5xx is given twice'],
    [['--portal', 'not a url'], '--portal must be an http(s) URL'],
    [['--portal', 'ftp://portal.example.com'], '--portal must be an http(s) URL'],
    [['--portal', 'http://127.0.0.1:1', '--faults', '5xx=0.1'], '--faults and --latency shape the bundled demo portal'],
    [['--attempts', '0'], '--attempts must be at least 1'],
    [['--limit', '-5'], '--limit must be at least 1'],
    [['--profile', 'nope'], 'nope'],
    [['--bogus'], "unknown option '--bogus'"],
    [['--fetch', 'sometimes'], '--fetch must be auto, browser or direct'],
  ])('%j', async (args, needle) => {
    const out = join(dir.path, `out-${Math.random().toString(36).slice(2)}`);
    const result = await runCli(['run', '--out', out, ...args], ENV);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(ExitCode.BAD_INPUT);
    const lines = errorLines(result);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(needle);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a portal that cannot be reached', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => dir.cleanup());

  it.each([
    ['a closed port', async () => `http://127.0.0.1:${await closedPort()}`, /could not export the inventory: .*ERR_CONNECTION_REFUSED at http:\/\/127\.0\.0\.1:\d+/],
    ['an unknown host', async () => 'http://no-such-host.invalid', /could not export the inventory: .*ERR_NAME_NOT_RESOLVED at http:\/\/no-such-host\.invalid/],
  ])('%s: exit 3 (no endless retrying), one line naming the URL and why', async (what, url, message) => {
    const portal = await url();
    // A folder per portal: an unfinished run is never resumed against another portal.
    const out = join(dir.path, what.replace(/\W+/g, '-'));
    const result = await runCli(['run', '--portal', portal, '--out', out, '--step-timeout', '2', '--retry-delay', '0'], ENV);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(ExitCode.STOPPED);
    const lines = errorLines(result);
    expect(lines).toEqual([expect.stringMatching(message)]);
    expect(result.stderr + result.stdout).not.toContain('demo-pass');
  });
});
