import type { DemoPortal } from '../lib/demo-portal/index.js';
import { DEMO_CREDENTIALS } from '../lib/demo-portal/index.js';
import { runLocalJob, type LocalJobOptions } from '../lib/local/local-job.js';
import { dealerValues } from '../lib/profiles/index.js';

/**
 * The local pipeline against a demo portal with test-sized timeouts. No vitest import, so the
 * chaos runner (scripts/chaos) shares it with the test suite.
 */
export function runAgainst(portal: DemoPortal, outDir: string, overrides: Partial<LocalJobOptions> = {}) {
  return runLocalJob({
    profile: dealerValues,
    portalUrl: portal.url,
    credentials: DEMO_CREDENTIALS,
    outDir,
    workers: 8,
    forceNew: false,
    maxAttempts: 3,
    retryBaseDelayMs: 50,
    vehicleTimeoutMs: 12_000,
    // Generous enough for two test files sharing two cores; a hung request still costs only this.
    stepTimeoutMs: 4000,
    blockResources: true,
    log: () => undefined,
    ...overrides,
  });
}
