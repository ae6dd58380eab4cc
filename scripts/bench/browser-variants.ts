import { launchBrowser, MEMORY_SAVING_ARGS } from '../../lib/browser/launch.js';
import { DEFAULT_GC_EVERY, DEFAULT_PAGES_PER_CONTEXT, PagePool } from '../../lib/browser/page-pool.js';
import { fetchDocumentInPage, loginInBrowser } from '../../lib/core/portal/steps.js';
import type { PortalSession } from '../../lib/core/types.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { DEMO_CREDENTIALS, startDemoPortal } from '../../lib/demo-portal/index.js';
import { dealerValues } from '../../lib/profiles/index.js';
import { MemorySampler } from '../../lib/system/memory-sampler.js';
import { BenchTaskTimeout, runIsolated } from './isolated.js';
import type { PortalShape } from './measurements.js';
import { median } from './median.js';

/** One way of running the worker pages: how contexts are shared and which Chromium switches are on. */
export interface BrowserVariant {
  name: string;
  pagesPerContext: number;
  /** Add lib/browser's MEMORY_SAVING_ARGS. */
  memorySaving: boolean;
  args: string[];
  blockResources: boolean;
  /** PagePool.gcEvery (NEVER: no forced collection). */
  gcEvery: number;
}

/** "Never" for gcEvery, as a number that survives JSON (Infinity does not). */
const NEVER = 1e12;

const variant = (name: string, over: Partial<Omit<BrowserVariant, 'name'>> = {}): BrowserVariant => ({
  name,
  pagesPerContext: DEFAULT_PAGES_PER_CONTEXT,
  memorySaving: true,
  args: [],
  blockResources: true,
  gcEvery: DEFAULT_GC_EVERY,
  ...over,
});

/** The layout before this work: a context per worker, no memory switches, no forced collections. */
const before = { pagesPerContext: 1, memorySaving: false, gcEvery: NEVER };

/**
 * The alternatives, from the old layout to the chosen default (DEFAULT_PAGES_PER_CONTEXT pages
 * per context, MEMORY_SAVING_ARGS, a renderer collection every DEFAULT_GC_EVERY vehicles), one
 * change at a time, then what else was tried on top of or instead of the default.
 */
export const BROWSER_VARIANTS: readonly BrowserVariant[] = [
  variant('context per worker (before)', before),
  variant('context per worker + renderer GC', { ...before, gcEvery: DEFAULT_GC_EVERY }),
  variant(`${DEFAULT_PAGES_PER_CONTEXT} pages per context`, { ...before, pagesPerContext: DEFAULT_PAGES_PER_CONTEXT }),
  variant('  + --renderer-process-limit=2 (not kept)', { ...before, pagesPerContext: DEFAULT_PAGES_PER_CONTEXT, args: ['--renderer-process-limit=2'] }),
  variant(`  + ${MEMORY_SAVING_ARGS.join(' ')}`, { gcEvery: NEVER }),
  variant(`  + renderer GC every ${DEFAULT_GC_EVERY} vehicles (= default)`),
  variant('default + --no-zygote (not kept)', { args: ['--no-zygote'] }),
  variant('default + --in-process-gpu (not kept)', { args: ['--in-process-gpu'] }),
  variant('--js-flags=--max-old-space-size=64 instead of GC', { gcEvery: NEVER, args: ['--js-flags=--max-old-space-size=64'] }),
  variant('default, 6 pages per context', { pagesPerContext: 6 }),
  variant('default, resource blocking off', { blockResources: false }),
  variant('--single-process, the Lambda way (not kept)', { memorySaving: false, args: ['--single-process', '--no-zygote'] }),
];

/** A variant over its runs: the figures of VariantRun as medians, `failures` summed over all runs. */
export interface VariantMeasurement extends VariantRun {
  variant: string;
  runs: number;
  /** Runs stopped because they did not finish in time (their figures are left out). */
  hungRuns: number;
}

export interface VariantPlan {
  workers: number;
  vehicles: number;
  repeat: number;
  portal: PortalShape;
  sampleMs: number;
  log: (line: string) => void;
}

/**
 * Each variant `repeat` times, each run in a fresh process, runs interleaved (variant 1, 2, ..., then again) so a burst of
 * load from elsewhere does not land on one variant only. A run: a demo portal with the bench's
 * latencies, one login, then `workers` worker loops over the inventory through a PagePool, each
 * document verified as the pipeline does; memory sampled throughout.
 */
export async function measureBrowserVariants(variants: readonly BrowserVariant[], plan: VariantPlan): Promise<VariantMeasurement[]> {
  const runs = new Map<string, VariantRun[]>(variants.map((v) => [v.name, []]));
  const hung = new Map<string, number>();
  // A minute to start, then four times what each worker's share takes at the ideal 1 s a vehicle.
  const timeoutMs = 60_000 + (plan.vehicles / plan.workers) * 4_000;
  for (let round = 1; round <= plan.repeat; round += 1) {
    for (const v of variants) {
      const { log, ...serializable } = plan;
      let run: VariantRun;
      try {
        run = await runIsolated<VariantRun>('variant', { ...serializable, variant: v }, log, timeoutMs);
      } catch (error) {
        if (!(error instanceof BenchTaskTimeout)) throw error;
        hung.set(v.name, (hung.get(v.name) ?? 0) + 1);
        plan.log(`variants: round ${round}/${plan.repeat} ${v.name.trim()}: HUNG (${error.message})`);
        continue;
      }
      plan.log(
        `variants: round ${round}/${plan.repeat} ${v.name.trim()}: ${run.peakRssMb.toFixed(0)} MB, ${run.renderers} renderers, ` +
          `${Math.round(run.vehiclesPerHour)} vehicles/h, ${run.failures} failures`,
      );
      runs.get(v.name)!.push(run);
    }
  }
  return variants.map((v) => {
    const list = runs.get(v.name)!;
    return {
      variant: v.name,
      runs: list.length,
      hungRuns: hung.get(v.name) ?? 0,
      peakRssMb: median(list.map((r) => r.peakRssMb)),
      peakChromiumMb: median(list.map((r) => r.peakChromiumMb)),
      peakPrivateMb: median(list.map((r) => r.peakPrivateMb)),
      renderers: median(list.map((r) => r.renderers)),
      contexts: median(list.map((r) => r.contexts)),
      vehiclesPerHour: median(list.map((r) => r.vehiclesPerHour)),
      failures: list.reduce((sum, r) => sum + r.failures, 0),
    };
  });
}

/** What one run of a variant measured. */
export interface VariantRun {
  peakRssMb: number;
  peakChromiumMb: number;
  peakPrivateMb: number;
  renderers: number;
  contexts: number;
  vehiclesPerHour: number;
  /** Documents that did not come back as a verified PDF. */
  failures: number;
}

/** One run of one variant, in this process (child.ts runs it in a fresh one). */
export async function runVariant(v: BrowserVariant, plan: VariantPlan): Promise<VariantRun> {
  const portal = await startDemoPortal({
    vehicles: plan.vehicles,
    pageLatencyMs: plan.portal.pageLatencyMs,
    pdfLatencyMs: plan.portal.pdfLatencyMs,
    ...(plan.portal.rateLimit !== undefined ? { faults: `ratelimit=${plan.portal.rateLimit}` } : {}),
  });
  const stepTimeoutMs = 20_000;
  const ctx = { baseUrl: portal.url, stepTimeoutMs };
  const pool = new PagePool({
    launch: () => launchBrowser({ memorySaving: v.memorySaving, args: v.args }),
    blockResources: v.blockResources ? dealerValues.blockResources : [],
    stepTimeoutMs,
    pagesPerContext: v.pagesPerContext,
    gcEvery: v.gcEvery,
  });
  const sampler = new MemorySampler().start(plan.sampleMs);
  const verifier = new PdfVerifier();
  try {
    const cookies = await loginInBrowser(await pool.browser(), dealerValues, DEMO_CREDENTIALS, ctx);
    const session: PortalSession = { version: 1, cookies } as PortalSession;
    const queue = [...portal.inventory];
    let done = 0;
    let failures = 0;
    let contexts = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: plan.workers }, async (_, i) => {
        const worker = `worker-${i + 1}`;
        for (let vehicle = queue.shift(); vehicle; vehicle = queue.shift()) {
          try {
            const { page, version } = await pool.page(worker, session);
            contexts = Math.max(contexts, pool.openContexts);
            await verifier.verify(await fetchDocumentInPage(page, dealerValues, vehicle, ctx, version), vehicle);
            done += 1;
          } catch {
            failures += 1;
            await pool.recycle(worker);
          }
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const peaks = sampler.stop();
    return {
      peakRssMb: peaks.peak.totalMb,
      peakChromiumMb: peaks.chromiumPeakMb,
      peakPrivateMb: peaks.privatePeakMb,
      renderers: peaks.renderers.median,
      contexts,
      vehiclesPerHour: seconds > 0 ? (done / seconds) * 3600 : 0,
      failures,
    };
  } finally {
    sampler.stop();
    await pool.close();
    await verifier.close();
    await portal.close();
  }
}
