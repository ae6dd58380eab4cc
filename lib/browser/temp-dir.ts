import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processIdentity, sameProcessRuns } from '../system/process-identity.js';

/**
 * Playwright puts each browser's profile (`playwright_chromiumdev_profile-*`) and artifacts in
 * the temp dir and removes them on close; a kill -9 leaves them behind, one per run. We launch
 * inside a temp folder named after our process, so the next launch can remove exactly the
 * folders of fleetpdf processes that no longer run, and nothing of anyone else's.
 */
const OWNED = /^fleetpdf-chromium-(\d+)-(\d+)$/;

let swept = false;

/** The folder this process launches Chromium in (created on first use). */
export function ownedTempDir(base: string = tmpdir()): string {
  const me = processIdentity();
  const dir = join(base, `fleetpdf-chromium-${process.pid}-${me?.startTicks ?? 0}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Remove the launch folders of fleetpdf processes that have ended. Returns the folders removed. */
export function removeLeftoverTempDirs(base: string = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  const bootId = processIdentity()?.bootId;
  for (const name of names) {
    const m = OWNED.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    // Off Linux nothing can tell a reused pid: keep the folder unless the pid is free.
    const runs = bootId ? sameProcessRuns({ pid, startTicks: Number(m[2]), bootId }) : undefined;
    if (runs !== false) continue;
    try {
      rmSync(join(base, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Someone else's folder we cannot remove: not ours to insist on.
    }
  }
  return removed;
}

/**
 * Run `launch` with the temp dir pointed at this process's own folder: Playwright and Chromium
 * read TMPDIR when they create their folders. Sweeps the leftovers of dead runs once per process.
 */
export async function inOwnedTempDir<T>(launch: () => Promise<T>): Promise<T> {
  const base = tmpdir();
  if (!swept) {
    swept = true;
    removeLeftoverTempDirs(base);
  }
  const dir = ownedTempDir(base);
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await launch();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}
