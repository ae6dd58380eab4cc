import { mkdtempSync, rmSync } from 'node:fs';
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
