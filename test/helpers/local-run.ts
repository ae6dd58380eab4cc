import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { verifyDocument } from '../../lib/core/verify/index.js';
import type { DemoPortal } from '../../lib/demo-portal/index.js';

export { runAgainst } from '../../harness/test-job.js';

/** Every inventory vehicle has exactly one stored PDF, and it verifies as that vehicle. */
export function expectAllStoredAndVerified(portal: DemoPortal, folder: string): void {
  for (const vehicle of portal.inventory) {
    const bytes = readFileSync(join(folder, `${vehicle.ref}.pdf`));
    expect(() => verifyDocument(bytes, vehicle), vehicle.ref).not.toThrow();
  }
}
