import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'child.ts');

/**
 * Where the bench's children run from. Memory is measured as PSS: a page shared with another
 * process counts half to each. On a machine where other people run Node and Chromium, the
 * binaries' pages are shared with their processes too, and our figures would shrink with their
 * load. So the children get private copies: the node binary copied here, and a TMPDIR here into
 * which @sparticuz/chromium unpacks its own Chromium (once, on the first launch). A page of
 * ours is then shared with ours only, as on a machine of its own.
 */
export interface Isolation {
  execPath: string;
  env: NodeJS.ProcessEnv;
  close: () => void;
}

/** Private binaries for the children (see Isolation); with `enabled` false, this Node and TMPDIR. */
export function prepareIsolation(enabled: boolean): Isolation {
  if (!enabled) return { execPath: process.execPath, env: process.env, close: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'fleetpdf-bench-private-'));
  const execPath = join(dir, 'node');
  copyFileSync(process.execPath, execPath);
  // FLEETPDF_CHROMIUM (a system Chromium) would be shared as it is: the copy only covers the shipped one.
  return { execPath, env: { ...process.env, TMPDIR: dir }, close: () => rmSync(dir, { recursive: true, force: true }) };
}

let isolation: Isolation = { execPath: process.execPath, env: process.env, close: () => undefined };

/** Use `next` for the children spawned from now on. */
export function useIsolation(next: Isolation): void {
  isolation = next;
}

/**
 * Run a bench task (child.ts) in a fresh Node process and return what it printed. Its stderr
 * goes to `log` line by line. The peak memory a task reports is then its own, as for one
 * `fleetpdf run`, not what earlier tasks left in this process.
 */
export async function runIsolated<T>(
  task: 'setting' | 'variant',
  plan: unknown,
  log: (line: string) => void,
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<T> {
  const child = spawn(isolation.execPath, ['--import', 'tsx', CHILD, task, JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: isolation.env,
  });
  let timedOut = false;
  // A hung task (a browser that stopped answering) must not hold the whole bench.
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs)
    : undefined;
  let stdout = '';
  let pending = '';
  const tail: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      log(line);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  if (timedOut) throw new BenchTaskTimeout(`bench ${task} still running after ${Math.round(timeoutMs / 1000)} s: stopped`);
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) {
    throw new Error(`bench ${task} failed (exit ${code}): ${[...tail, pending].filter(Boolean).slice(-5).join(' | ')}`);
  }
  return JSON.parse(line) as T;
}

/** A bench task that did not finish in its time. */
export class BenchTaskTimeout extends Error {
  override readonly name = 'BenchTaskTimeout';
}
