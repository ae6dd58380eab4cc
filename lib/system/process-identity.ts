import { readFileSync } from 'node:fs';

/**
 * What tells one process from a later one that got the same pid: its start time (clock ticks
 * after boot, /proc/<pid>/stat field 22) and the boot it started in. Undefined off Linux.
 */
export interface ProcessIdentity {
  pid: number;
  startTicks: number;
  bootId: string;
}

/** The identity of a live process, or undefined when it is gone or /proc cannot tell. */
export function processIdentity(pid: number = process.pid): ProcessIdentity | undefined {
  const startTicks = readStartTicks(pid);
  const bootId = readBootId();
  if (startTicks === undefined || bootId === undefined) return undefined;
  return { pid, startTicks, bootId };
}

/**
 * Whether the process `recorded` describes still runs: false when the pid is free, or now
 * belongs to a process that started at another time or in another boot.
 * `undefined` when the pid is taken but nothing can be compared (off Linux).
 */
export function sameProcessRuns(recorded: ProcessIdentity): boolean | undefined {
  if (!pidTaken(recorded.pid)) return false;
  const now = processIdentity(recorded.pid);
  if (!now) return undefined;
  return now.startTicks === recorded.startTicks && now.bootId === recorded.bootId;
}

/** Whether some process has this pid (EPERM: it exists but belongs to another user). */
export function pidTaken(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22 overall: starttime
    return Number.isSafeInteger(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

let bootId: string | undefined;
function readBootId(): string | undefined {
  try {
    bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
  return bootId;
}
