import { CLOCK_TICKS_PER_SECOND, readProcessTree } from './process-tree.js';

/** CPU seconds used so far by this Node process and by its child processes. */
export interface CpuReading {
  /** This process (process.cpuUsage: user + system). */
  nodeSeconds: number;
  /**
   * Every descendant: the live ones' own time plus what their ended, waited-for children used,
   * plus the children this process already waited for (a closed Chromium lands there).
   */
  childrenSeconds: number;
}

/**
 * Read CPU time for this process and its descendants (Chromium) from process.cpuUsage and /proc.
 * Take one reading before and one after the work and subtract (`cpuSince`). A child that ends
 * counts once its parent has waited for it (Chromium waits for its renderers, Node for Chromium):
 * take the second reading after the browser closed to count everything.
 */
export function readCpu(): CpuReading {
  const usage = process.cpuUsage();
  const nodeSeconds = (usage.user + usage.system) / 1e6;
  if (process.platform !== 'linux') return { nodeSeconds, childrenSeconds: 0 };
  let ticks = 0;
  for (const proc of readProcessTree(process.pid)) {
    // Our own time comes from process.cpuUsage; our reaped children's from cutime + cstime.
    ticks += proc.pid === process.pid ? proc.reapedChildCpuTicks : proc.cpuTicks + proc.reapedChildCpuTicks;
  }
  return { nodeSeconds, childrenSeconds: ticks / CLOCK_TICKS_PER_SECOND };
}

/** The difference of two readings. */
export function cpuSince(start: CpuReading, end: CpuReading = readCpu()): CpuReading {
  return {
    nodeSeconds: end.nodeSeconds - start.nodeSeconds,
    childrenSeconds: Math.max(0, end.childrenSeconds - start.childrenSeconds),
  };
}
