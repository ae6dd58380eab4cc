import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../lib/adapters/local/index.js';
import { workQueueContract } from '../../contracts/work-queue.contract.js';
import { tempOut, vehicles } from './helpers.js';

const RUN = '2024-05-31-1';

workQueueContract('SqliteWorkQueue', (clock) => {
  const out = tempOut();
  const store = SqliteStore.open(out.dir, { now: clock.now });
  return {
    tracker: store,
    queue: (runId) => store.queue(runId),
    close: () => {
      store.close();
      out.cleanup();
    },
  };
});

describe('SqliteWorkQueue across processes', () => {
  it('hands each ref to exactly one of four processes leasing the same database at once', async () => {
    const out = tempOut();
    try {
      const store = SqliteStore.open(out.dir);
      await store.register(RUN, vehicles(600));
      store.close();
      const fixture = fileURLToPath(new URL('./fixtures/lease-worker.ts', import.meta.url));
      const startAt = String(Date.now() + 2_500);
      const run = promisify(execFile);
      const results = await Promise.all(
        ['p1', 'p2', 'p3', 'p4'].map((id) => run(process.execPath, ['--import', 'tsx', fixture, out.dir, RUN, id, startAt])),
      );
      const perProcess = results.map((r) => JSON.parse(r.stdout) as string[]);
      console.log(`refs per process: ${perProcess.map((refs) => refs.length).join(', ')}`);
      const all = perProcess.flat();
      expect(all).toHaveLength(600);
      expect(new Set(all).size).toBe(600);
      const check = SqliteStore.open(out.dir);
      expect((await check.counts(RUN)).DONE).toBe(600);
      check.close();
    } finally {
      out.cleanup();
    }
  }, 60_000);
});
