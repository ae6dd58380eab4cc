import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoPortalOptions, DemoPortalStats } from '../../lib/demo-portal/index.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'portal-main.ts');

/** A demo portal served by another process. */
export interface PortalProcess {
  url: string;
  close: () => Promise<void>;
}

/**
 * The demo portal in a Node process of its own, as a real portal is another machine: its work
 * (HTTP, rendering every PDF with pdf-lib) then neither delays the measured job's event loop nor
 * counts in the job's memory and CPU (in the job's process it cost 32 direct workers about a
 * twentieth of their throughput).
 */
export async function startPortalProcess(options: DemoPortalOptions): Promise<PortalProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
    });
    void exited.then((code) => reject(new Error(`bench demo portal exited (${code}) before listening: ${stderr.trim().split('\n').pop() ?? ''}`)));
  });
  return {
    url,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The portal's counters, from its admin route (never counted as a request itself). */
export async function readPortalStats(url: string): Promise<DemoPortalStats> {
  const response = await fetch(new URL('/__admin/stats', url));
  if (!response.ok) throw new Error(`bench demo portal stats: HTTP ${response.status}`);
  return (await response.json()) as DemoPortalStats;
}
