import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { assignFileNames } from '../../lib/core/file-name.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import type { DemoPortal } from '../../lib/demo-portal/index.js';

export { runAgainst } from '../../harness/test-job.js';

/** Every inventory vehicle has exactly one stored PDF, and it verifies as that vehicle. */
export async function expectAllStoredAndVerified(portal: DemoPortal, folder: string): Promise<void> {
  const verifier = new PdfVerifier();
  try {
    const names = assignFileNames(portal.inventory.map((v) => v.ref));
    for (const vehicle of portal.inventory) {
      const bytes = readFileSync(join(folder, names.get(vehicle.ref)!));
      await expect(verifier.verify(bytes, vehicle), vehicle.ref).resolves.toHaveProperty('sha256');
    }
  } finally {
    await verifier.close();
  }
}
