import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sampleRssMb } from '../../lib/system/process-rss.js';

describe('sampleRssMb', () => {
  it('measures this process, close to what Node reports', () => {
    const own = process.memoryUsage().rss / 1024 / 1024;
    const sampled = sampleRssMb();
    expect(sampled).toBeGreaterThan(own * 0.8);
    expect(sampled).toBeLessThan(own * 1.5 + 50);
  });

  it.runIf(process.platform === 'linux')('adds the memory of child processes', async () => {
    // A child that holds ~80 MB of touched memory until it is killed.
    const child = spawn(
      process.execPath,
      ['-e', 'const b = Buffer.alloc(80 * 1024 * 1024, 1); console.log("ready"); setInterval(() => b[0]++, 1000)'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => child.stdout!.once('data', resolve));
      const childMb = sampleRssMb(child.pid!);
      expect(childMb).toBeGreaterThan(80);
      const own = process.memoryUsage().rss / 1024 / 1024;
      expect(sampleRssMb()).toBeGreaterThan(own + 70);
    } finally {
      child.kill();
    }
  });

  it('returns 0 for a process that does not exist', () => {
    expect(sampleRssMb(2 ** 22 + 12345)).toBe(0);
  });
});
