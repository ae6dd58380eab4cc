import { readdirSync, readFileSync } from 'node:fs';

/** One live process of a tree, as /proc shows it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The command name (comm), e.g. `node`, `chromium`. */
  name: string;
  /** Chromium's `--type=` (renderer, zygote, gpu-process, utility, ...); `browser` for the main Chromium process; '' for anything else. */
  chromiumType: string;
  /** Proportional set size in kB (VmRSS where PSS cannot be read; 0 for zombies). */
  memoryKb: number;
  /**
   * Pages only this process maps (Private_Clean + Private_Dirty), in kB: unlike PSS it does not
   * shrink when other programs map the same libraries (another Chromium on the machine).
   * Equals memoryKb where smaps_rollup cannot be read.
   */
  privateKb: number;
  /** utime + stime of the process itself, in clock ticks. */
  cpuTicks: number;
  /** cutime + cstime: the CPU of its children that ended and were waited for, in clock ticks. */
  reapedChildCpuTicks: number;
}

/**
 * Ticks per second of /proc/<pid>/stat times. USER_HZ is 100 on every Linux architecture Node
 * ships for (it is part of the kernel ABI, independent of the kernel's internal HZ).
 */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Every pid under /proc, or none off Linux. */
function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return [];
  }
}

interface Stat {
  ppid: number;
  name: string;
  cpuTicks: number;
  reapedChildCpuTicks: number;
}

/** /proc/<pid>/stat: the command name sits in parentheses and may hold spaces and parentheses itself. */
function readStat(pid: number): Stat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    // Fields after the name start at field 3 (state): ppid is field 4, utime..cstime fields 14-17.
    const fields = stat.slice(close + 2).split(' ');
    const num = (field: number) => Number(fields[field - 3]);
    const ppid = num(4);
    if (!Number.isInteger(ppid)) return undefined;
    return { ppid, name, cpuTicks: num(14) + num(15), reapedChildCpuTicks: num(16) + num(17) };
  } catch {
    return undefined; // the process ended while we looked
  }
}

function readMemoryKb(pid: number): { memoryKb: number; privateKb: number } {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(rollup)?.[1] ?? NaN);
    const pss = field('Pss');
    if (Number.isFinite(pss)) {
      const own = field('Private_Clean') + field('Private_Dirty');
      return { memoryKb: pss, privateKb: Number.isFinite(own) ? own : pss };
    }
  } catch {
    // no smaps_rollup (old kernel, or not ours to read): fall back to VmRSS
  }
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    const kb = match ? Number(match[1]) : 0; // kernel threads and zombies have no VmRSS
    return { memoryKb: kb, privateKb: kb };
  } catch {
    return { memoryKb: 0, privateKb: 0 };
  }
}

function readChromiumType(pid: number, name: string): string {
  if (!/chrom|headless_shell/i.test(name)) return '';
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    const type = /(?:^|[\0 ])--type=([^\0 ]+)/.exec(cmdline);
    return type ? type[1]! : 'browser';
  } catch {
    return '';
  }
}

/**
 * The live processes of the tree rooted at `rootPid` (itself included), read from /proc.
 * Empty off Linux or when the root does not exist. Each process's memory is its proportional
 * share (PSS), so the shared libraries of a multi-process Chromium are counted once in total.
 */
export function readProcessTree(rootPid: number = process.pid): ProcessInfo[] {
  const stats = new Map<number, Stat>();
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat) continue;
    stats.set(pid, stat);
    const list = children.get(stat.ppid);
    if (list) list.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  const tree: ProcessInfo[] = [];
  const seen = new Set<number>();
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const stat = stats.get(pid);
    if (!stat) continue;
    tree.push({
      pid,
      ppid: stat.ppid,
      name: stat.name,
      chromiumType: readChromiumType(pid, stat.name),
      ...readMemoryKb(pid),
      cpuTicks: stat.cpuTicks,
      reapedChildCpuTicks: stat.reapedChildCpuTicks,
    });
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}
