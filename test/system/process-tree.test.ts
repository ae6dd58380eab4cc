import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readProcessTree } from '../../lib/system/process-tree.js';

describe.runIf(process.platform === 'linux')('readProcessTree', () => {
  it('lists this process with its memory and CPU, and its children under it', async () => {
    const child = spawn(process.execPath, ['-e', 'console.log("ready"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => child.stdout!.once('data', resolve));
      const tree = readProcessTree();
      const self = tree.find((p) => p.pid === process.pid);
      expect(self).toBeDefined();
      expect(self!.memoryKb).toBeGreaterThan(1000);
      expect(self!.privateKb).toBeGreaterThan(0);
      expect(self!.privateKb).toBeLessThanOrEqual(self!.memoryKb + 1);
      expect(self!.cpuTicks).toBeGreaterThan(0);
      expect(self!.chromiumType).toBe('');
      const kid = tree.find((p) => p.pid === child.pid);
      expect(kid?.ppid).toBe(process.pid);
      expect(kid?.name).toBe('node');
    } finally {
      child.kill();
    }
  });

  it('is empty for a process that does not exist', () => {
    expect(readProcessTree(2 ** 22 + 12345)).toEqual([]);
  });
});
