import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../lib/browser/launch.js';
import type { StepContext } from '../../lib/core/portal/profile.js';
import { startDemoPortal, type DemoPortal, type DemoPortalOptions } from '../../lib/demo-portal/index.js';

/** A temp folder removed by the returned cleanup. */
export function tempDir(prefix = 'fleetpdf-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Everything a browser-level test needs: a running demo portal and a Chromium. */
export async function portalAndBrowser(options: DemoPortalOptions = {}): Promise<{
  portal: DemoPortal;
  browser: Browser;
  ctx: StepContext;
  close: () => Promise<void>;
}> {
  const portal = await startDemoPortal({ vehicles: 20, ...options });
  const browser = await launchBrowser();
  return {
    portal,
    browser,
    ctx: { baseUrl: portal.url, stepTimeoutMs: 5000 },
    close: async () => {
      await browser.close();
      await portal.close();
    },
  };
}

/** Pids of the Chromium browser processes this process launched (its direct children). */
export function chromiumChildren(parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'latin1');
      if (ppid === parent && /chrom/i.test(cmd)) pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}
