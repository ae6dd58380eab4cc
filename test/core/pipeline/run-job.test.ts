import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FsDocumentStore, SqliteStore } from '../../../lib/adapters/local/index.js';
import { MemoryBreakerStore, MemoryRunCounterStore, MemorySessionStore } from '../../../lib/adapters/memory/index.js';
import { CircuitBreaker, PauseGate } from '../../../lib/core/breaker/index.js';
import { AdaptiveLimit } from '../../../lib/core/pipeline/adaptive-limit.js';
import { runJob, type DocumentFetcher } from '../../../lib/core/pipeline/run-job.js';
import { SessionManager } from '../../../lib/core/portal/session-manager.js';
import type { Vehicle } from '../../../lib/core/types.js';
import { VehicleStatus } from '../../../lib/core/types.js';
import { generateInventory } from '../../../lib/demo-portal/inventory.js';
import { renderValuationPdf } from '../../../lib/demo-portal/pdf.js';
import { PdfVerifier } from '../../../lib/core/verify/index.js';
import { documentName } from '../../../lib/core/file-name.js';
import type { DocumentName } from '../../../lib/core/ports.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The scheduler with the real SQLite queue and tracker and the real file store; only the
 * portal is scripted: a fetcher that serves the demo portal's PDFs after a delay and records
 * what ran when.
 */
function setup(vehicles: number, options: { putDelayMs?: number; fetchMs?: number; wrongOnce?: string; trackerFails?: boolean } = {}) {
  const out = mkdtempSync(join(tmpdir(), 'fleetpdf-run-job-'));
  const store = SqliteStore.open(out);
  const inventory = generateInventory(vehicles, 7);
  const pdfs = new Map<string, Promise<Buffer>>(inventory.map((v) => [v.ref, renderValuationPdf(v)]));
  const events: string[] = [];
  const inFlight = new Map<string, number>();
  const recycledDuringFetch: string[] = [];
  let wrongServed = false;
  const fetcher: DocumentFetcher = {
    async fetch(workerId: string, vehicle: Vehicle) {
      inFlight.set(workerId, (inFlight.get(workerId) ?? 0) + 1);
      events.push(`fetch-start ${vehicle.ref}`);
      try {
        await sleep(options.fetchMs ?? 40);
        // Another vehicle's PDF, once: what a portal's "current vehicle" mix-up serves.
        if (vehicle.ref === options.wrongOnce && !wrongServed) {
          wrongServed = true;
          return pdfs.get(inventory.find((v) => v.ref !== vehicle.ref)!.ref)!;
        }
        return await pdfs.get(vehicle.ref)!;
      } finally {
        inFlight.set(workerId, inFlight.get(workerId)! - 1);
        events.push(`fetch-end ${vehicle.ref}`);
      }
    },
    async recycle(workerId: string) {
      if ((inFlight.get(workerId) ?? 0) > 0) recycledDuringFetch.push(workerId);
      events.push(`recycle ${workerId}`);
    },
  };
  const files = new FsDocumentStore(out);
  const documents = {
    put: async (runId: string, name: DocumentName, bytes: Buffer, sha256: string) => {
      await sleep(options.putDelayMs ?? 0);
      const key = await files.put(runId, name, bytes, sha256);
      events.push(`stored ${name.ref}`);
      return key;
    },
    get: (runId: string, name: DocumentName) => files.get(runId, name),
    keyFor: (runId: string, name: DocumentName) => files.keyFor(runId, name),
  };
  // A tracker whose writes at the end of an attempt fail (a disk that went away).
  const tracker = options.trackerFails
    ? new Proxy(store, {
        get(target, name) {
          if (name === 'markDone' || name === 'recordError') return async () => Promise.reject(new Error('disk I/O error'));
          const value = Reflect.get(target, name, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      })
    : store;
  const start = async (workers: number, recycleAfterFailures?: number) => {
    const { runId } = store.createRun({ outDir: out, profile: 'dealer-values', portal: 'scripted' });
    await store.register(runId, inventory.map((v) => ({ ref: v.ref, vin: v.vin })));
    const counters = new MemoryRunCounterStore();
    const breaker = new CircuitBreaker({ store: new MemoryBreakerStore(), runId, minSamples: 10, errorRatio: 0.6 });
    const result = await runJob({
      runId,
      workers,
      queue: store.queue(runId),
      tracker,
      documents,
      counters,
      session: new SessionManager({ store: new MemorySessionStore(), login: async () => [] }),
      fetcher,
      verifier,
      policy: { maxAttempts: 3, retryBaseDelayMs: 10, retryMaxDelayMs: 1000, freeThrottles: 10, maxRetryAfterMs: 300_000, freeRelogins: 10, reloginStaggerMs: 100 },
      breaker,
      gate: new PauseGate({ breaker, pauseMs: 1000, maxPauseMs: 2000, maxPauses: 5 }),
      limit: new AdaptiveLimit({ max: workers }),
      vehicleTimeoutMs: 5_000,
      refreshesPerAttempt: 2,
      recycleAfterFailures: recycleAfterFailures ?? 3,
      watchdogIntervalMs: 5_000,
    });
    return { runId, result, counters: await counters.get(runId), rows: await store.list(runId) };
  };
  return {
    inventory,
    events,
    recycledDuringFetch,
    files,
    start,
    close: () => {
      store.close();
      rmSync(out, { recursive: true, force: true });
    },
  };
}

describe('runJob', () => {
  let env: ReturnType<typeof setup> | undefined;
  afterEach(() => env?.close());

  it('fetches the next vehicle while the one before is being stored', async () => {
    env = setup(6, { putDelayMs: 150, fetchMs: 40 });
    const { runId, result, rows } = await env.start(1);
    expect(result.status).toBe('completed');
    expect(rows.every((r) => r.status === VehicleStatus.DONE)).toBe(true);
    for (const v of env.inventory) expect((await env.files.get(runId, documentName(v)))?.subarray(0, 5).toString()).toBe('%PDF-');
    // Vehicle 2's fetch started before vehicle 1 was stored (a 150 ms put against a 40 ms fetch).
    const [first, second] = env.inventory;
    expect(env.events.indexOf(`fetch-start ${second!.ref}`)).toBeLessThan(env.events.indexOf(`stored ${first!.ref}`));
    // And at most one vehicle per lane waits for storage: vehicle 3 is fetched after vehicle 1 is stored.
    expect(env.events.indexOf(`fetch-start ${env.inventory[2]!.ref}`)).toBeGreaterThan(env.events.indexOf(`stored ${first!.ref}`));
  });

  it('rebuilds a page after a wrong document only between two fetches, and stores the right one on retry', async () => {
    const target = generateInventory(5, 7)[1]!;
    env = setup(5, { fetchMs: 60, wrongOnce: target.ref });
    // Rebuild after every failure: the wrong document is found while the next vehicle downloads.
    const { runId, result, counters, rows } = await env.start(1, 1);
    expect(result.status).toBe('completed');
    expect(counters.wrong_documents_rejected).toBe(1);
    expect(rows.find((r) => r.ref === target.ref)?.status).toBe(VehicleStatus.DONE);
    expect(env.events.filter((e) => e.startsWith('recycle'))).toHaveLength(1);
    expect(env.recycledDuringFetch).toEqual([]);
    // The wrong document was found while the next vehicle downloaded: the rebuild waited for that download.
    const { events } = env;
    const rebuiltAt = events.indexOf('recycle w1');
    const next = events.find((e, i) => i > events.indexOf(`fetch-end ${target.ref}`) && e.startsWith('fetch-start'))!;
    expect(events.indexOf(next)).toBeLessThan(rebuiltAt);
    expect(events.indexOf(next.replace('start', 'end'))).toBeLessThan(rebuiltAt);
    expect((await verifier.verify((await env.files.get(runId, documentName(target)))!, target)).matched).toContain('ref');
  });

  it('fails the run with the tracker error a storage outcome hit, without an unhandled rejection', async () => {
    env = setup(4, { fetchMs: 20, trackerFails: true });
    await expect(env.start(2)).rejects.toThrow('disk I/O error');
  });
});
