import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sampleRssMb } from '../../lib/system/process-rss.js';

describe('sampleRssMb', () => {
  it('measures this process: its proportional share, at most what Node reports as resident', () => {
    const own = process.memoryUsage().rss / 1024 / 1024;
    const sampled = sampleRssMb();
    // PSS splits shared pages (libc, the node binary when several nodes run) between their users.
    expect(sampled).toBeGreaterThan(own * 0.25);
    expect(sampled).toBeLessThan(own * 1.1 + 5);
  });

  it.runIf(process.platform === 'linux')('adds the memory of child processes', async () => {
    const before = sampleRssMb();
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
      // The tree rooted here now holds the child's private 80 MB on top of what it held before.
      expect(sampleRssMb() - before).toBeGreaterThan(70);
    } finally {
      child.kill();
    }
  });

  it('returns 0 for a process that does not exist', () => {
    expect(sampleRssMb(2 ** 22 + 12345)).toBe(0);
  });
});
