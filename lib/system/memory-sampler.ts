import { sampleMemory, type MemorySample } from './process-rss.js';

/** The highest readings a MemorySampler saw. */
export interface MemoryPeaks {
  /** The sample with the highest total (its split is that moment's). */
  peak: MemorySample;
  /** Highest root (Node) reading on its own. */
  rootPeakMb: number;
  /** Highest Chromium reading on its own. */
  chromiumPeakMb: number;
  /** Highest private-memory reading (see MemorySample.privateMb). */
  privatePeakMb: number;
  /**
   * Chromium renderer processes: the median over the samples that had any (new tabs start in a
   * renderer of their own for a moment, so the peak count says little), and the most seen.
   */
  renderers: { median: number; max: number };
  samples: number;
  /** CPU this process spent sampling (reading /proc costs a few ms a sample), seconds. */
  cpuSeconds: number;
}

/**
 * Samples the memory of this process tree on a timer while work runs, keeping the peaks. A
 * sample reads /proc for every process of the machine and smaps_rollup for the tree (the
 * kernel walks each process's mappings: tens of ms with a browser): keep the interval at
 * 250 ms or more, and subtract `cpuSeconds` from the CPU a measurement reports.
 */
export class MemorySampler {
  readonly #rootPid: number;
  #timer?: NodeJS.Timeout;
  #peak?: MemorySample;
  #rootPeakMb = 0;
  #chromiumPeakMb = 0;
  #privatePeakMb = 0;
  readonly #rendererCounts: number[] = [];
  #samples = 0;
  #cpuMicros = 0;

  constructor(rootPid: number = process.pid) {
    this.#rootPid = rootPid;
  }

  start(intervalMs = 250): this {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
    return this;
  }

  /** Take one sample now (also called by the timer). */
  sample(): MemorySample {
    const before = process.cpuUsage();
    const s = sampleMemory(this.#rootPid);
    const spent = process.cpuUsage(before);
    this.#cpuMicros += spent.user + spent.system;
    this.#samples += 1;
    if (!this.#peak || s.totalMb > this.#peak.totalMb) this.#peak = s;
    this.#rootPeakMb = Math.max(this.#rootPeakMb, s.rootMb);
    this.#chromiumPeakMb = Math.max(this.#chromiumPeakMb, s.chromiumMb);
    this.#privatePeakMb = Math.max(this.#privatePeakMb, s.privateMb);
    const renderers = s.chromiumByType.renderer?.processes ?? 0;
    if (renderers > 0) this.#rendererCounts.push(renderers);
    return s;
  }

  /** Stop the timer and return the peaks. */
  stop(): MemoryPeaks {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    return this.peaks();
  }

  peaks(): MemoryPeaks {
    const peak = this.#peak ?? this.sample();
    return {
      peak,
      rootPeakMb: this.#rootPeakMb,
      chromiumPeakMb: this.#chromiumPeakMb,
      privatePeakMb: this.#privatePeakMb,
      renderers: { median: median(this.#rendererCounts), max: Math.max(0, ...this.#rendererCounts) },
      samples: this.#samples,
      cpuSeconds: this.#cpuMicros / 1e6,
    };
  }
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
