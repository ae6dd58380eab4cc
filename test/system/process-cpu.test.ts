import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuSince, readCpu } from '../../lib/system/process-cpu.js';

describe('readCpu / cpuSince', () => {
  it('counts this process busy', () => {
    const start = readCpu();
    // Spin until 0.2 s of CPU are used (not of wall time: the machine may be shared).
    const spinFrom = process.cpuUsage();
    while (process.cpuUsage(spinFrom).user < 200_000) Math.sqrt(Math.random());
    expect(cpuSince(start).nodeSeconds).toBeGreaterThanOrEqual(0.2);
  });

  it.runIf(process.platform === 'linux')('counts a child busy, also after it ended and was waited for', async () => {
    const start = readCpu();
    const child = spawn(process.execPath, ['-e', 'while (process.cpuUsage().user < 400000) Math.sqrt(Math.random());'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    // Node has reaped the child by 'exit': its time is now in our cutime.
    expect(cpuSince(start).childrenSeconds).toBeGreaterThan(0.3);
  });
});
