import type { DemoPortal } from '../lib/demo-portal/index.js';
import { DEMO_CREDENTIALS } from '../lib/demo-portal/index.js';
import { runLocalJob, type LocalJobOptions } from '../lib/local/local-job.js';
import { dealerValues } from '../lib/profiles/index.js';
import { defaultSettings, SETTINGS, type LocalSettings } from '../lib/settings/index.js';

/** What a test changes of a local job: any option, and any setting by its name (`profile` is the profile object). */
export type TestJobOverrides = Partial<Omit<LocalJobOptions, 'settings'>> & Partial<Omit<LocalSettings, 'profile'>>;

/** Test-sized settings: short retries and budgets (a hung request costs only the step timeout). */
export const TEST_SETTINGS: Partial<LocalSettings> = {
  retryBaseDelayMs: 50,
  vehicleTimeoutSecs: 12,
  // Generous enough for two test files sharing two cores.
  stepTimeoutSecs: 4,
};

/**
 * The local pipeline against a demo portal with test-sized timeouts. No vitest import, so the
 * chaos runner (scripts/chaos) shares it with the test suite.
 */
export function runAgainst(portal: DemoPortal, outDir: string, overrides: TestJobOverrides = {}) {
  const settings: Record<string, unknown> = { ...defaultSettings('local'), ...TEST_SETTINGS, outDir };
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (key !== 'profile' && key in SETTINGS) settings[key] = value;
    else options[key] = value;
  }
  return runLocalJob({
    profile: dealerValues,
    portalUrl: portal.url,
    credentials: DEMO_CREDENTIALS,
    log: () => undefined,
    ...(options as Partial<LocalJobOptions>),
    settings: settings as LocalSettings,
  });
}
