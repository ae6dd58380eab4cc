import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { runCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeProfileFiles } from '../helpers/profile-files.js';

const ENV = { PORTAL_USER: 'demo', PORTAL_PASS: 'demo-pass' };

/** A user in their own folder (outside the project) types `fleetpdf run --profile ./acme.ts`. */
describe('fleetpdf run --profile <file>', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  let files: { ts: string; json: string };
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 6 });
    dir = tempDir('fleetpdf-user-');
    files = writeProfileFiles(dir.path);
  });
  afterAll(async () => {
    await portal?.close();
    dir?.cleanup();
  });

  it.each([
    ['./acme.ts', 'acme-ts', 'ts'],
    ['./acme.json', 'acme-json', 'json'],
  ] as const)('%s: every vehicle DONE, and report.json names the profile, its file and its sha256', async (spec, name, kind) => {
    const out = join(dir.path, `out-${kind}`);
    const result = await runCli(['run', '--portal', portal.url, '--profile', spec, '--out', out, '--workers', '2', '--json'], ENV, {
      cwd: dir.path,
    });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    const file = files[kind];
    expect(report).toMatchObject({
      profile: name,
      succeeded: 6,
      failed: 0,
      profile_source: { file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') },
    });
  }, 90_000);

  it('a bad profile file is one line naming the file and the field, exit 2', async () => {
    const result = await runCli(['run', '--portal', portal.url, '--profile', '../nowhere/x.json', '--out', join(dir.path, 'bad')], ENV, {
      cwd: dir.path,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^fleetpdf: error: profile \.\.\/nowhere\/x\.json: cannot read/m);
  });
});
