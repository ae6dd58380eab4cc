import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveChromium } from '../../lib/browser/launch.js';
import { removeLeftoverTempDirs } from '../../lib/browser/temp-dir.js';
import { processIdentity } from '../../lib/system/process-identity.js';
import { tempDir } from '../helpers/fixtures.js';

/** A child that launches Chromium the way a run does, prints its pid once a page rendered, and waits. */
const CHILD = `
import { launchBrowser } from './lib/browser/launch.ts';
const browser = await launchBrowser();
const page = await browser.newPage();
await page.setContent('<p>x</p>');
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);
`;

describe('Chromium temp folders after a kill -9 (issue 14 item 15)', () => {
  const dirs: Array<{ cleanup(): void }> = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.cleanup();
  });

  it('the next run removes the profile folders a killed run left, and only those', async () => {
    const tmp = tempDir();
    dirs.push(tmp);
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: process.cwd(),
      // The binary unpacked once, where the other tests find it; only the launch's own folders go to tmp.
      env: { ...process.env, TMPDIR: tmp.path, FLEETPDF_CHROMIUM: (await resolveChromium()).path },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const owned = `fleetpdf-chromium-${child.pid}-${processIdentity(child.pid!)!.startTicks}`;
    expect(readdirSync(tmp.path)).toContain(owned);
    expect(readdirSync(join(tmp.path, owned)).some((n) => n.startsWith('playwright_chromiumdev_profile-'))).toBe(true);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await waitFor(() => processIdentity(child.pid!) === undefined);

    // Someone else's Playwright profile, and the folder of a fleetpdf process that still runs.
    mkdirSync(join(tmp.path, 'playwright_chromiumdev_profile-other'));
    const live = `fleetpdf-chromium-${process.ppid}-${processIdentity(process.ppid)!.startTicks}`;
    mkdirSync(join(tmp.path, live));

    expect(removeLeftoverTempDirs(tmp.path)).toEqual([owned]);
    expect(existsSync(join(tmp.path, owned))).toBe(false);
    // (tsx keeps its compile cache in TMPDIR: not ours to judge.)
    const left = readdirSync(tmp.path).filter((n) => !n.startsWith('tsx-'));
    expect(left.sort()).toEqual([live, 'playwright_chromiumdev_profile-other'].sort());
  }, 60_000);
});

async function waitFor(done: () => boolean): Promise<void> {
  // Chromium's processes may take a moment to notice their parent is gone; the pid of the node child is reaped at once.
  for (let i = 0; i < 100 && !done(); i += 1) await new Promise((r) => setTimeout(r, 50));
}
