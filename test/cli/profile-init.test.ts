import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { projectRoot } from '../../lib/infra/worker-function.js';
import { KIT_ENTRY } from '../../lib/profiles/kit-path.js';
import { starterProfileTs } from '../../lib/profiles/starter.js';
import { runCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const ENV = { PORTAL_USER: 'demo', PORTAL_PASS: 'demo-pass' };

/** `fleetpdf profile init NAME` in a user's folder, and the starter it writes, run as-is against the demo portal. */
describe('fleetpdf profile init', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 4 });
    dir = tempDir('fleetpdf-init-');
  });
  afterAll(async () => {
    await portal?.close();
    dir?.cleanup();
  });

  it.each([
    [[], 'my-portal.ts'],
    [['--json'], 'my-portal.json'],
  ])('%j writes %s, which runs as-is: check passes and a run gets every vehicle', async (flags, file) => {
    const init = await runCli(['profile', 'init', 'my-portal', ...flags], {}, { cwd: dir.path });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(`wrote ${join(dir.path, file)}`);
    const text = readFileSync(join(dir.path, file), 'utf8');
    expect(text).toContain('my-portal');

    const check = await runCli(['check', '--portal', portal.url, '--profile', `./${file}`], ENV, { cwd: dir.path });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout.split('\n').filter((l) => l.startsWith('PASS '))).toHaveLength(4);

    const run = await runCli(['run', '--portal', portal.url, '--profile', `./${file}`, '--out', `out-${file}`, '--workers', '2', '--json'], ENV, {
      cwd: dir.path,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ profile: 'my-portal', succeeded: 4, failed: 0, profile_source: { file: join(dir.path, file) } });
  }, 120_000);

  it('the TypeScript starter type-checks against the kit with the tsconfig its comment gives', () => {
    const file = join(dir.path, 'typed-portal.ts');
    writeFileSync(file, starterProfileTs('typed-portal', KIT_ENTRY));
    expect(readFileSync(file, 'utf8')).toContain(`"paths": { "fleetpdf": ["${KIT_ENTRY}"] }`);
    writeFileSync(
      join(dir.path, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, paths: { fleetpdf: [KIT_ENTRY] } },
        files: ['typed-portal.ts'],
      }),
    );
    const tsc = join(projectRoot(), 'node_modules', '.bin', 'tsc');
    expect(() => execFileSync(tsc, ['-p', join(dir.path, 'tsconfig.json')], { cwd: dir.path, encoding: 'utf8' })).not.toThrow();
  }, 60_000);

  it('refuses to overwrite a file (unless --force) or a name with an extension, exit 2', async () => {
    const again = await runCli(['profile', 'init', 'my-portal'], {}, { cwd: dir.path });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/my-portal\.ts exists already \(--force overwrites it\)/);
    const forced = await runCli(['profile', 'init', 'my-portal', '--force'], {}, { cwd: dir.path });
    expect(forced.code).toBe(0);
    const bad = await runCli(['profile', 'init', 'x.ts'], {}, { cwd: dir.path });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a profile name');
  }, 30_000);
});
