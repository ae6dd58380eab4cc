import { readProcessTree, type ProcessInfo } from './process-tree.js';

const MB = 1024 * 1024;

/** Memory of a process tree at one moment, split into the root (Node) and Chromium. */
export interface MemorySample {
  /** The whole tree, in MB. */
  totalMb: number;
  /** The root process alone (Node, with anything it runs in-process), in MB. */
  rootMb: number;
  /** Every Chromium process of the tree, in MB. */
  chromiumMb: number;
  /**
   * The tree's private memory (pages no other process maps), in MB: steadier than totalMb for
   * comparisons on a machine where other programs share the same libraries.
   */
  privateMb: number;
  /** Chromium by process type (browser, renderer, zygote, utility, gpu-process, ...): how many and how much. */
  chromiumByType: Record<string, { processes: number; mb: number }>;
  /** Live processes in the tree. */
  processes: number;
}

/**
 * Resident memory of a process and all its descendants, in MB (one decimal). Chromium launched
 * by Playwright runs as children of the Node process, so the default root covers the browser.
 * Linux reads /proc; elsewhere only the Node process itself is known (0 for another root).
 * Each process counts its proportional share of shared pages (PSS, from smaps_rollup), so a
 * multi-process Chromium is not counted once per renderer for the same shared libraries;
 * where PSS cannot be read, VmRSS stands in.
 */
export function sampleRssMb(rootPid: number = process.pid): number {
  return sampleMemory(rootPid).totalMb;
}

/** Like sampleRssMb, with the split by process that memory work needs. */
export function sampleMemory(rootPid: number = process.pid): MemorySample {
  const tree = process.platform === 'linux' ? readProcessTree(rootPid) : [];
  if (tree.length === 0) {
    const own = rootPid === process.pid ? round1(process.memoryUsage().rss / MB) : 0;
    return { totalMb: own, rootMb: own, chromiumMb: 0, privateMb: own, chromiumByType: {}, processes: own > 0 ? 1 : 0 };
  }
  return summarize(tree, rootPid);
}

function summarize(tree: ProcessInfo[], rootPid: number): MemorySample {
  let totalKb = 0;
  let rootKb = 0;
  let chromiumKb = 0;
  let privateKb = 0;
  const byType: Record<string, { processes: number; kb: number }> = {};
  for (const proc of tree) {
    totalKb += proc.memoryKb;
    privateKb += proc.privateKb;
    if (proc.pid === rootPid) rootKb = proc.memoryKb;
    if (proc.chromiumType) {
      chromiumKb += proc.memoryKb;
      byType[proc.chromiumType] ??= { processes: 0, kb: 0 };
      const slot = byType[proc.chromiumType]!;
      slot.processes += 1;
      slot.kb += proc.memoryKb;
    }
  }
  const chromiumByType = Object.fromEntries(
    Object.entries(byType).map(([type, v]) => [type, { processes: v.processes, mb: kbToMb(v.kb) }]),
  );
  return {
    totalMb: kbToMb(totalKb),
    rootMb: kbToMb(rootKb),
    chromiumMb: kbToMb(chromiumKb),
    privateMb: kbToMb(privateKb),
    chromiumByType,
    processes: tree.length,
  };
}

function kbToMb(kb: number): number {
  return round1((kb * 1024) / MB);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
