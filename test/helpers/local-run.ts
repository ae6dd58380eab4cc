import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { verifyDocument } from '../../lib/core/verify/index.js';
import type { DemoPortal } from '../../lib/demo-portal/index.js';
import { DEMO_CREDENTIALS } from '../../lib/demo-portal/index.js';
import { runLocalJob, type LocalJobOptions } from '../../lib/local/local-job.js';
import { dealerValues } from '../../lib/profiles/index.js';

/** Run the local pipeline against a demo portal with test-sized timeouts. */
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

/** Every inventory vehicle has exactly one stored PDF, and it verifies as that vehicle. */
export function expectAllStoredAndVerified(portal: DemoPortal, folder: string): void {
  for (const vehicle of portal.inventory) {
    const bytes = readFileSync(join(folder, `${vehicle.ref}.pdf`));
    expect(() => verifyDocument(bytes, vehicle), vehicle.ref).not.toThrow();
  }
}
