import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Vehicle } from '../../../lib/core/types.js';

/** A temp folder for one test; `cleanup` removes it. */
export function tempOut(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpdf-local-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `count` vehicles R00001, R00002, ... (zero padded so ref order is numeric order). */
export function vehicles(count: number, prefix = 'R'): Vehicle[] {
  return Array.from({ length: count }, (_, i) => ({ ref: `${prefix}${String(i + 1).padStart(5, '0')}` }));
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2024, 4, 31, 10, 0, 0)) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    set: (ms: number) => {
      t = ms;
    },
  };
}
