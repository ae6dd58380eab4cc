import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { launchBrowser } from '../../lib/browser/launch.js';
import { readProcessTree } from '../../lib/system/process-tree.js';

/** The machine a bench ran on, and how busy it was with work that was not the bench's. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  chromium: string;
  /** 1, 5 and 15 minute load averages when the bench started and when it ended. */
  loadAtStart: number[];
  loadAtEnd: number[];
  /** Chromium processes on the machine that are not the bench's (other people's tests). */
  foreignChromiumAtStart: number;
  /** The 1-minute load before the bench started was above half the cores, or other Chromiums ran. */
  busy: boolean;
}

/** What /proc/cpuinfo calls the CPU. */
export function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    return /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}

/** Chromium processes running outside this process tree. */
export function foreignChromiumProcesses(): number {
  const ours = new Set(readProcessTree(process.pid).map((p) => p.pid));
  let count = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (ours.has(Number(entry))) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'latin1').trim();
      if (/chrom|headless_shell/i.test(comm)) count += 1;
    } catch {
      // gone while we looked
    }
  }
  return count;
}

/** Read the machine before a bench (launches Chromium once for its version). */
export async function describeMachine(): Promise<MachineInfo> {
  const loadAtStart = loadavg();
  const foreignChromiumAtStart = foreignChromiumProcesses();
  const browser = await launchBrowser();
  const chromium = browser.version();
  await browser.close();
  const cores = cpus().length;
  return {
    cores,
    cpuModel: cpuModel(),
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    chromium,
    loadAtStart: loadAtStart.map(round2),
    loadAtEnd: [],
    foreignChromiumAtStart,
    busy: loadAtStart[0]! > cores / 2 || foreignChromiumAtStart > 0,
  };
}

/** The same record with the load at the end filled in (a busy machine may only show up there). */
export function finishMachine(machine: MachineInfo): MachineInfo {
  const loadAtEnd = loadavg().map(round2);
  return { ...machine, loadAtEnd };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
