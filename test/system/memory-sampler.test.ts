import { describe, expect, it } from 'vitest';
import { MemorySampler } from '../../lib/system/memory-sampler.js';

describe('MemorySampler', () => {
  it('keeps the highest readings of the samples it took', async () => {
    const sampler = new MemorySampler().start(50);
    const hold = Buffer.alloc(40 * 1024 * 1024, 1); // touched memory the samples must see
    await new Promise((resolve) => setTimeout(resolve, 250));
    const peaks = sampler.stop();
    expect(hold[0]).toBe(1);
    expect(peaks.samples).toBeGreaterThanOrEqual(3);
    expect(peaks.peak.totalMb).toBeGreaterThan(0);
    expect(peaks.rootPeakMb).toBeGreaterThanOrEqual(peaks.peak.rootMb);
    expect(peaks.privatePeakMb).toBeGreaterThan(0);
    // No browser here.
    expect(peaks.chromiumPeakMb).toBe(0);
    expect(peaks.renderers).toEqual({ median: 0, max: 0 });
    // Stopped: no more samples.
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sampler.peaks().samples).toBe(peaks.samples);
  });
});
