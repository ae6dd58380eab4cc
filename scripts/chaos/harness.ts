import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoPortal, type DemoPortal, type DemoPortalOptions } from '../../lib/demo-portal/index.js';
import type { LocalJobResult } from '../../lib/local/local-job.js';
import { runAgainst, type TestJobOverrides } from '../../harness/test-job.js';

/** A fresh --out folder; removed by `cleanup` unless the scenario wants it kept for a post-mortem. */
export function tempOut(name: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), `fleetpdf-chaos-${name}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Start a demo portal, run `body`, always close the portal. */
export async function withPortal<T>(options: DemoPortalOptions, body: (portal: DemoPortal) => Promise<T>): Promise<T> {
  const portal = await startDemoPortal(options);
  try {
    return await body(portal);
  } finally {
    await portal.close();
  }
}

export interface LocalRun extends LocalJobResult {
  /** Times each ref was marked DONE in this process. */
  doneMarks: Map<string, number>;
}

/**
 * A full local run against a demo portal with the test suite's timeouts (`runAgainst` of
 * harness/test-job.ts): 8 workers, 3 attempts, 4 s steps, 12 s per vehicle.
 */
export async function runLocal(portal: DemoPortal, outDir: string, overrides: TestJobOverrides = {}): Promise<LocalRun> {
  const doneMarks = new Map<string, number>();
  const onAttempt = overrides.onAttempt;
  const result = await runAgainst(portal, outDir, {
    portalName: 'chaos demo portal',
    ...overrides,
    onAttempt: (attempt) => {
      if (attempt.result === 'done') doneMarks.set(attempt.ref, (doneMarks.get(attempt.ref) ?? 0) + 1);
      onAttempt?.(attempt);
    },
  });
  return { ...result, doneMarks };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
