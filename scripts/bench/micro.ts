import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoTracker } from '../../lib/adapters/aws/index.js';
import { SqliteStore } from '../../lib/adapters/local/index.js';
import { MemoryTracker } from '../../lib/adapters/memory/index.js';
import { parseInventoryCsv } from '../../lib/core/portal/inventory-csv.js';
import type { Tracker, WorkQueue } from '../../lib/core/ports.js';
import type { Vehicle } from '../../lib/core/types.js';
import { startDemoPortal } from '../../lib/demo-portal/index.js';
import { startAwsEmulators } from '../../harness/emulators/aws-emulators.js';
import { createCloudResources } from '../../harness/emulators/cloud-resources.js';
import { PortalClient } from '../../harness/portal-client.js';
import { asciiTable, fixed } from './ascii-table.js';
import { median } from './median.js';

/**
 * `npm run bench -- --micro`: how fast the parts a run leans on are on this machine, each
 * measured `repeat` times in this process and printed as medians. These were wall-clock
 * assertions in the test suite once; a shared, loaded machine made them fail, so the tests
 * check what the parts do and this measures how fast.
 */
export interface MicroMeasurement {
  name: string;
  /** Items handled per run (rows, refs, PDFs; 1 for a start). */
  count: number;
  unit: string;
  /** Median seconds of one run. */
  seconds: number;
  /** count / seconds. */
  perSecond: number;
  runs: number;
  /** Fastest and slowest run, seconds. */
  spread: [number, number];
}

const CSV_COLUMNS = { ref: 'Reference Number', vin: 'VIN' };
const VIN = '1HGCM82633A004352';
const QUEUE_REFS = 5_000;
const REGISTER_REFS = 20_000;
const PORTAL_PDFS = 240;
const PORTAL_CONCURRENCY = 8;

export async function measureMicro(repeat: number, log: (line: string) => void): Promise<MicroMeasurement[]> {
  const results: MicroMeasurement[] = [];
  const measure = async (name: string, count: number, unit: string, once: () => Promise<number> | number) => {
    log(`micro: ${name} ...`);
    const times: number[] = [];
    for (let run = 0; run < repeat; run += 1) times.push(await once());
    const seconds = median(times);
    results.push({ name, count, unit, seconds, perSecond: count / seconds, runs: repeat, spread: [Math.min(...times), Math.max(...times)] });
  };

  for (const rows of [20_000, 50_000]) {
    const csv = inventoryCsv(rows);
    await measure(`parseInventoryCsv, ${rows.toLocaleString('en-US')} rows`, rows, 'rows', () =>
      timed(() => {
        const parsed = parseInventoryCsv(csv, CSV_COLUMNS);
        if (parsed.vehicles.length !== rows) throw new Error(`parsed ${parsed.vehicles.length} of ${rows} rows`);
      }),
    );
  }

  await measure(`SqliteStore.register, ${REGISTER_REFS.toLocaleString('en-US')} refs in one call`, REGISTER_REFS, 'refs', () =>
    withSqlite(async (store) => timed(() => store.register('2024-05-31-1', refs(REGISTER_REFS)))),
  );
  await measure(`SQLite queue: lease + markInProgress + markDone + markHandled, ${QUEUE_REFS.toLocaleString('en-US')} refs`, QUEUE_REFS, 'refs', () =>
    withSqlite(async (store) => {
      await store.register('2024-05-31-1', refs(QUEUE_REFS));
      return timed(() => leaseToTheEnd(store, store.queue('2024-05-31-1'), '2024-05-31-1', QUEUE_REFS));
    }),
  );
  await measure(`memory queue: the same loop, ${QUEUE_REFS.toLocaleString('en-US')} refs`, QUEUE_REFS, 'refs', async () => {
    const tracker = new MemoryTracker();
    await tracker.register('2024-05-31-1', refs(QUEUE_REFS));
    return timed(() => leaseToTheEnd(tracker, tracker.queue('2024-05-31-1'), '2024-05-31-1', QUEUE_REFS));
  });

  await measure(`demo portal (in this process): ${PORTAL_PDFS} PDFs, ${PORTAL_CONCURRENCY} requests at once, one session`, PORTAL_PDFS, 'PDFs', portalPdfs);

  // The emulators: each start is measured; the last instance also takes the DynamoDB register.
  let emulators: Awaited<ReturnType<typeof startAwsEmulators>> | undefined;
  await measure('AWS emulators start (dynalite, local-aws-sqs, s3rver, stand-ins)', 1, 'start', async () => {
    await emulators?.close();
    emulators = await startAwsEmulators();
    return emulators.endpoints.startMs / 1000;
  });
  try {
    const resources = await createCloudResources('bench-micro', { endpoints: emulators!.endpoints });
    let run = 0;
    const tracker = new DynamoTracker({ client: resources.clients.dynamodb, tableName: resources.trackingTable });
    const runIds: string[] = [];
    await measure(`DynamoTracker.register (dynalite), ${REGISTER_REFS.toLocaleString('en-US')} new refs`, REGISTER_REFS, 'refs', () => {
      const runId = `micro-${++run}`;
      runIds.push(runId);
      return timed(() => tracker.register(runId, refs(REGISTER_REFS)));
    });
    await measure(`DynamoTracker.register (dynalite), the same ${REGISTER_REFS.toLocaleString('en-US')} refs again (all known)`, REGISTER_REFS, 'refs', () =>
      timed(() => tracker.register(runIds[0]!, refs(REGISTER_REFS))),
    );
  } finally {
    await emulators?.close();
  }
  return results;
}

export function formatMicroTable(rows: readonly MicroMeasurement[]): string {
  return asciiTable(
    [{ title: 'measurement', align: 'left' }, { title: 'count' }, { title: 'median s' }, { title: 'per second' }, { title: 'runs' }, { title: 'fastest..slowest s' }],
    rows.map((r) => [
      r.name,
      `${r.count.toLocaleString('en-US')} ${r.unit}`,
      fixed(r.seconds, 3),
      r.unit === 'start' ? '-' : Math.round(r.perSecond).toLocaleString('en-US'),
      String(r.runs),
      `${fixed(r.spread[0], 3)}..${fixed(r.spread[1], 3)}`,
    ]),
  );
}

/** Seconds `work` took. */
async function timed(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

function refs(count: number): Vehicle[] {
  return Array.from({ length: count }, (_, i) => ({ ref: `R${String(i + 1).padStart(6, '0')}` }));
}

function inventoryCsv(rows: number): string {
  const lines = ['Reference Number,VIN,Year,Make,Model,Price'];
  for (let i = 0; i < rows; i += 1) lines.push(`${100000 + i},${VIN},2019,Honda,"Accord, EX",${10000 + i}`);
  return lines.join('\r\n');
}

/** A fresh fleetpdf.db in a temp folder, removed afterwards. */
async function withSqlite<T>(use: (store: SqliteStore) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpdf-bench-micro-'));
  const store = SqliteStore.open(dir);
  try {
    return await use(store);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the local pool does per vehicle with the tracker and the queue, one worker, until the queue is empty. */
async function leaseToTheEnd(tracker: Tracker, queue: WorkQueue, runId: string, expected: number): Promise<void> {
  let handled = 0;
  for (;;) {
    const item = await queue.lease('w', 30);
    if (!item) break;
    await tracker.markInProgress(runId, item.ref, 'w');
    await tracker.markDone(runId, item.ref, { bytes: 10, sha256: 'abc', storageKey: `${runId}/${item.ref}.pdf`, attempts: item.attempts + 1 });
    await queue.markHandled(item);
    handled += 1;
  }
  if (handled !== expected) throw new Error(`handled ${handled} of ${expected} refs`);
}

async function portalPdfs(): Promise<number> {
  const portal = await startDemoPortal({ vehicles: 24 });
  try {
    const client = await new PortalClient(portal.url).session();
    const refs = portal.inventory.map((v) => v.ref);
    let next = 0;
    return await timed(() =>
      Promise.all(
        Array.from({ length: PORTAL_CONCURRENCY }, async () => {
          while (next < PORTAL_PDFS) {
            const ref = refs[next++ % refs.length]!;
            const { response } = await client.bytes(`/vehicles/${ref}/report.pdf`);
            if (response.status !== 200) throw new Error(`PDF of ${ref}: HTTP ${response.status}`);
          }
        }),
      ),
    );
  } finally {
    await portal.close();
  }
}
