import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunLock } from '../../../lib/adapters/local/index.js';
import { CriticalError } from '../../../lib/core/errors.js';
import { processIdentity } from '../../../lib/system/process-identity.js';
import { tempOut } from './helpers.js';

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('RunLock', () => {
  let out: ReturnType<typeof tempOut>;
  let lockPath: string;
  beforeEach(() => {
    out = tempOut();
    lockPath = join(out.dir, '.fleetpdf.lock');
  });
  afterEach(() => out.cleanup());

  it('creates <outDir>/.fleetpdf.lock with our pid, start time and boot, and removes it on release (twice is fine)', () => {
    const lock = RunLock.acquire(out.dir);
    const me = processIdentity()!;
    expect(readFileSync(lockPath, 'utf8')).toBe(`${process.pid}\nstart ${me.startTicks} boot ${me.bootId}\n`);
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
    lock.release();
    const again = RunLock.acquire(out.dir);
    again.release();
  });

  it('refuses a second lock in the same process', () => {
    const lock = RunLock.acquire(out.dir);
    try {
      expect(() => RunLock.acquire(out.dir)).toThrow(CriticalError);
    } finally {
      lock.release();
    }
  });

  it('refuses while a live process holds the lock, naming its pid, the dir and the lock file', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const id = processIdentity(holder.pid!)!;
      writeFileSync(lockPath, `${holder.pid}\nstart ${id.startTicks} boot ${id.bootId}\n`);
      let error: unknown;
      try {
        RunLock.acquire(out.dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CriticalError);
      expect((error as Error).message).toBe(
        `another fleetpdf run (pid ${holder.pid}) is using ${out.dir} (lock file ${lockPath}; if no fleetpdf run uses that folder, remove it)`,
      );
      expect(readFileSync(lockPath, 'utf8')).toContain(`${holder.pid}\n`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a stale lock whose pid now belongs to another process (issue 14 item 4)', () => {
    // Our parent is alive but started at another time than the lock records: a reused pid.
    const other = processIdentity(process.ppid)!;
    writeFileSync(lockPath, `${process.ppid}\nstart ${other.startTicks + 1} boot ${other.bootId}\n`);
    const lock = RunLock.acquire(out.dir);
    expect(readFileSync(lockPath, 'utf8')).toMatch(new RegExp(`^${process.pid}\n`));
    lock.release();
    // ... and one from an earlier boot.
    writeFileSync(lockPath, `${process.ppid}\nstart ${other.startTicks} boot 00000000-dead-boot\n`);
    RunLock.acquire(out.dir).release();
  });

  it('still honours a lock of an older version (pid only) while that pid runs', () => {
    writeFileSync(lockPath, `${process.ppid}\n`);
    expect(() => RunLock.acquire(out.dir)).toThrow(/another fleetpdf run \(pid \d+\).*lock file/);
  });

  it('takes over the lock of a dead process', () => {
    writeFileSync(lockPath, `${deadPid()}\n`);
    const lock = RunLock.acquire(out.dir);
    expect(readFileSync(lockPath, 'utf8')).toMatch(new RegExp(`^${process.pid}\n`));
    lock.release();
  });

  it('takes over a lock naming our own pid that we do not hold (a previous container with the same pid)', () => {
    writeFileSync(lockPath, `${process.pid}\n`);
    const lock = RunLock.acquire(out.dir);
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('treats a fresh empty lock file as a run starting, an old one as stale', () => {
    writeFileSync(lockPath, '');
    expect(() => RunLock.acquire(out.dir)).toThrow(/just starting/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPath, old, old);
    RunLock.acquire(out.dir).release();
  });

  it('does not remove a lock that another process took over after ours was removed', () => {
    const lock = RunLock.acquire(out.dir);
    writeFileSync(lockPath, '999999\n'); // someone else's now
    lock.release();
    expect(readFileSync(lockPath, 'utf8')).toBe('999999\n');
  });

  it('gives a one-line error for an out dir that cannot be created', () => {
    writeFileSync(join(out.dir, 'file'), 'x');
    expect(() => RunLock.acquire(join(out.dir, 'file', 'out'))).toThrow(/^output folder .* is not writable \(ENOTDIR/);
  });
});
