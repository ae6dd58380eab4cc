import { describe, expect, it, vi } from 'vitest';
import { MemorySampler } from '../../lib/system/memory-sampler.js';

describe('MemorySampler', () => {
  it('keeps the highest readings of the samples it took', async () => {
    const sampler = new MemorySampler().start(50);
    const hold = Buffer.alloc(40 * 1024 * 1024, 1); // touched memory the samples must see
    // Wait for the samples rather than a fixed time: a loaded machine runs timers late.
    await vi.waitFor(() => expect(sampler.peaks().samples).toBeGreaterThanOrEqual(3), { timeout: 10_000, interval: 50 });
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
