import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp folder for one test; `cleanup` removes it. */
export function tempOut(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpdf-local-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export { manualClock, vehicles } from '../../helpers/factories.js';
