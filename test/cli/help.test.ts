import { describe, expect, it } from 'vitest';
import { runCli } from '../../harness/cli.js';

describe('fleetpdf --help: every command and subcommand, with examples', () => {
  it('lists run, portal and cloud with examples of each', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+run \[options\]/m);
    expect(r.stdout).toMatch(/^\s+portal \[options\]/m);
    expect(r.stdout).toMatch(/^\s+cloud\s+operate a deployed stack: start, status, pull, redrive,/m);
    expect(r.stdout).toContain('Examples:');
    for (const example of ['fleetpdf run --portal', '$ fleetpdf portal', '$ fleetpdf cloud start', '$ fleetpdf cloud pull']) expect(r.stdout).toContain(example);
  });

  it.concurrent.each([
    [['run'], '$ fleetpdf run'],
    [['portal'], '$ fleetpdf portal'],
    [['cloud'], '$ fleetpdf cloud status --watch'],
    [['cloud', 'start'], '$ fleetpdf cloud start --refs refs.txt'],
    [['cloud', 'status'], '$ fleetpdf cloud status --run'],
    [['cloud', 'pull'], '$ fleetpdf cloud pull --run'],
    [['cloud', 'redrive'], '$ fleetpdf cloud redrive --wait'],
    [['cloud', 'report'], '$ fleetpdf cloud report --run'],
  ])('%j --help has examples', async (command, example) => {
    const r = await runCli([...command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(example);
    if (command[0] === 'cloud' && command[1]) for (const option of ['--stack <name>', '--profile <name>', '--region <region>']) expect(r.stdout).toContain(option);
  });
});
