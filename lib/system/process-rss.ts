import { readdirSync, readFileSync } from 'node:fs';

const MB = 1024 * 1024;

/**
 * Resident memory of a process and all its descendants, in MB (one decimal). Chromium launched
 * by Playwright runs as children of the Node process, so the default root covers the browser.
 * Linux reads /proc; elsewhere only the Node process itself is known (0 for another root).
 * Each process counts its proportional share of shared pages (PSS, from smaps_rollup), so a
 * multi-process Chromium is not counted once per renderer for the same shared libraries;
 * where PSS cannot be read, VmRSS stands in.
 */
export function sampleRssMb(rootPid: number = process.pid): number {
  if (process.platform !== 'linux') {
    return rootPid === process.pid ? round1(process.memoryUsage().rss / MB) : 0;
  }
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return rootPid === process.pid ? round1(process.memoryUsage().rss / MB) : 0;
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const ppid = parentOf(pid);
    if (ppid === undefined) continue;
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  let kb = 0;
  const seen = new Set<number>();
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    kb += rssKb(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return round1((kb * 1024) / MB);
}

/** Field 4 of /proc/<pid>/stat; the command name before it may hold spaces and parentheses. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined; // the process ended while we looked
  }
}

function rssKb(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
    const pss = /^Pss:\s+(\d+)\s+kB/m.exec(rollup);
    if (pss) return Number(pss[1]);
  } catch {
    // no smaps_rollup (old kernel, or not ours to read): fall back to VmRSS
  }
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : 0; // kernel threads and zombies have no VmRSS
  } catch {
    return 0;
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
