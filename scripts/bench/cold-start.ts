import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserTarget } from '../../lib/browser/launch.js';

/** Phases of one cold start, in seconds from the process's spawn. */
export interface ColdStart {
  /** Node up and our modules (playwright-core, lib/browser) loaded. */
  modulesSecs: number;
  /** The shipped Chromium unpacked into an empty temp dir (0 with FLEETPDF_CHROMIUM). */
  unpackSecs: number;
  launchSecs: number;
  firstPageSecs: number;
  /** spawn -> first page ready: what a new browser container pays before its first vehicle. */
  totalSecs: number;
  /** A second launch in the same process (Chromium already unpacked). */
  warmLaunchSecs: number;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'cold-start-child.ts');

/**
 * Measure a browser container's cold start here: a new Node process with an empty TMPDIR (so
 * @sparticuz/chromium unpacks as in a fresh Lambda), launching Chromium with lib/browser/launch.ts
 * for `target`, up to a first page. The Lambda runtime's own start is not included: it cannot be
 * measured without AWS. Runs `repeat` times and keeps the median total.
 */
export async function measureColdStart(target: BrowserTarget = 'lambda', repeat = 3): Promise<ColdStart> {
  const runs: ColdStart[] = [];
  for (let i = 0; i < repeat; i += 1) runs.push(await coldStartOnce(target));
  runs.sort((a, b) => a.totalSecs - b.totalSecs);
  return runs[Math.floor(runs.length / 2)]!;
}

async function coldStartOnce(target: BrowserTarget): Promise<ColdStart> {
  const temp = mkdtempSync(join(tmpdir(), 'fleetpdf-bench-cold-'));
  const spawnedAt = Date.now();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target], {
      env: { ...process.env, TMPDIR: temp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    const line = stdout.trim().split('\n').pop() ?? '';
    if (code !== 0 || !line.startsWith('{')) {
      throw new Error(`cold start measurement failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    const phases = JSON.parse(line) as {
      modulesLoaded: number;
      unpacked: number;
      launched: number;
      pageReady: number;
      pageReadyAt: number;
      warmLaunchSecs: number;
    };
    return {
      modulesSecs: phases.modulesLoaded,
      unpackSecs: phases.unpacked - phases.modulesLoaded,
      launchSecs: phases.launched - phases.unpacked,
      firstPageSecs: phases.pageReady - phases.launched,
      // From the spawn (the child's own clock starts a little later, at its process start).
      totalSecs: (phases.pageReadyAt - spawnedAt) / 1000,
      warmLaunchSecs: phases.warmLaunchSecs,
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
