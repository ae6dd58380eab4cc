import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../lib/demo-portal/index.js';
import { runCli } from '../../harness/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const ENV = { PORTAL_USER: 'demo', PORTAL_PASS: 'demo-pass' };

describe('fleetpdf run --fetch', () => {
  let portal: DemoPortal;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    portal = await startDemoPortal({ vehicles: 8 });
    dir = tempDir();
  });
  afterAll(async () => {
    await portal?.close();
    dir?.cleanup();
  });

  it.each([
    [[], { direct_downloads: 8, browser_downloads: 0 }],
    [['--fetch', 'direct'], { direct_downloads: 8, browser_downloads: 0 }],
    [['--fetch', 'browser'], { direct_downloads: 0, browser_downloads: 8 }],
  ])('%j: report.json says which path brought the documents', async (args, expected) => {
    const out = `${dir.path}/${args.join('-') || 'default'}`;
    const result = await runCli(['run', '--portal', portal.url, '--out', out, '--workers', '2', '--json', ...args], ENV);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ succeeded: 8, failed: 0, direct_fallbacks: 0, ...expected });
  }, 60_000);
});
