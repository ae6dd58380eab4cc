import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { CriticalError } from '../../core/errors.js';
import { LOCK_FILE_NAME, LOCK_STARTUP_GRACE_MS } from './constants.js';
import { ensureWritableDir } from './open-database.js';

/** Lock files this process holds, so a lock naming our own pid is told apart from a stale one of a reused pid. */
const held = new Set<string>();

/**
 * One fleetpdf process per out dir: two would lease the same SQLite queue fine, but would
 * both recover "dead" IN_PROGRESS rows of the other and share one browser session per user.
 * The lock is a file created exclusively ('wx') holding the owner's pid; a lock whose pid is
 * gone (kill -9, power cut) is taken over.
 */
export class RunLock {
  readonly path: string;
  #released = false;

  private constructor(path: string) {
    this.path = path;
  }

  /** Take the lock of `outDir` (created if missing). CriticalError when a live process holds it. */
  static acquire(outDir: string): RunLock {
    ensureWritableDir(outDir);
    const path = resolve(outDir, LOCK_FILE_NAME);
    // Two rounds: the second follows the removal of a stale lock.
    for (let round = 0; round < 2; round += 1) {
      if (tryCreate(path)) {
        held.add(path);
        return new RunLock(path);
      }
      const holder = readHolder(path);
      if (holder === 'gone') continue;
      if (holder === 'starting' || isAlive(holder, path)) {
        const who = holder === 'starting' ? 'that is just starting' : `(pid ${holder})`;
        throw new CriticalError(`another fleetpdf run ${who} is using ${outDir}`, 'run_locked');
      }
      // The holder died without releasing. Two processes taking over the same stale lock at the
      // same instant could both get through here; for a CLI started by hand that is accepted.
      removeIfExists(path);
    }
    throw new CriticalError(`could not take the lock ${path}; another fleetpdf run may be starting in ${outDir}`, 'run_locked');
  }

  /** Remove the lock file if it is still ours. Safe to call more than once. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    held.delete(this.path);
    const holder = readHolder(this.path);
    if (holder === process.pid) removeIfExists(this.path);
  }
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CriticalError(`cannot create lock file ${path} (${(error as Error).message})`, 'run_locked');
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The pid in the lock file; 'starting' for a fresh file without one yet; 'gone' if it vanished; 0 if unreadable and old. */
function readHolder(path: string): number | 'starting' | 'gone' {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (Number.isSafeInteger(pid) && pid > 0) return pid;
  // The creator writes its pid right after creating the file; an empty file that young is a run starting.
  return Date.now() - mtimeMs < LOCK_STARTUP_GRACE_MS ? 'starting' : 0;
}

function isAlive(pid: number, path: string): boolean {
  if (pid <= 0) return false;
  // Our own pid in a lock we do not hold: written by an earlier process that had the same pid (containers).
  if (pid === process.pid) return held.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
