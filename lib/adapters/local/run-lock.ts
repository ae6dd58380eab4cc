import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { CriticalError } from '../../core/errors.js';
import { pidTaken, processIdentity, sameProcessRuns, type ProcessIdentity } from '../../system/process-identity.js';
import { LOCK_FILE_NAME, LOCK_STARTUP_GRACE_MS } from './constants.js';
import { ensureWritableDir } from './open-database.js';

/** Lock files this process holds, so a lock naming our own pid is told apart from a stale one of a reused pid. */
const held = new Set<string>();

/**
 * One fleetpdf process per out dir: two would lease the same SQLite queue fine, but would
 * both recover "dead" IN_PROGRESS rows of the other and share one browser session per user.
 * The lock is a file created exclusively ('wx') holding the owner's pid and, on Linux, its start
 * time and boot id; a lock whose process is gone (kill -9, power cut) is taken over, also when its
 * pid now belongs to another process (pids are reused, in containers from 1 on every start).
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
        const who = holder === 'starting' ? 'that is just starting' : `(pid ${holder.pid})`;
        throw new CriticalError(
          `another fleetpdf run ${who} is using ${outDir} (lock file ${path}; if no fleetpdf run uses that folder, remove it)`,
          'run_locked',
        );
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
    if (typeof holder === 'object' && holder.pid === process.pid) removeIfExists(this.path);
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
    // Line 1 stays the bare pid, which earlier versions read.
    const me = processIdentity();
    writeSync(fd, me ? `${me.pid}\nstart ${me.startTicks} boot ${me.bootId}\n` : `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** A lock's owner: its pid, with its start time and boot when the lock recorded them. */
interface Holder {
  pid: number;
  identity?: ProcessIdentity;
}

/** The owner in the lock file; 'starting' for a fresh file without one yet; 'gone' if it vanished; pid 0 if unreadable and old. */
function readHolder(path: string): Holder | 'starting' | 'gone' {
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
  if (Number.isSafeInteger(pid) && pid > 0) {
    const m = /^start (\d+) boot (\S+)$/m.exec(text);
    return m ? { pid, identity: { pid, startTicks: Number(m[1]), bootId: m[2]! } } : { pid };
  }
  // The creator writes its pid right after creating the file; an empty file that young is a run starting.
  return Date.now() - mtimeMs < LOCK_STARTUP_GRACE_MS ? 'starting' : { pid: 0 };
}

function isAlive(holder: Holder, path: string): boolean {
  if (holder.pid <= 0) return false;
  // Our own pid in a lock we do not hold: written by an earlier process that had the same pid (containers).
  if (holder.pid === process.pid) return held.has(path);
  // A lock of an older version records no start time: the pid is all there is to go by.
  if (!holder.identity) return pidTaken(holder.pid);
  return sameProcessRuns(holder.identity) ?? true;
}

function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
