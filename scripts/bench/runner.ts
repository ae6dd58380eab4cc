import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../lib/core/report/index.js';
import { DEMO_CREDENTIALS } from '../../lib/demo-portal/index.js';
import { runLocalJob } from '../../lib/local/local-job.js';
import { dealerValues } from '../../lib/profiles/index.js';
import { defaultSettings } from '../../lib/settings/index.js';
import { MemorySampler } from '../../lib/system/memory-sampler.js';
import { cpuSince, readCpu } from '../../lib/system/process-cpu.js';
import type { FetchPath, SettingMeasurement } from './measurements.js';
import { readPortalStats } from './portal-process.js';

export interface SettingPlan {
  path: FetchPath;
  workers: number;
  vehicles: number;
  /** A fresh demo portal serving `vehicles` from another process (see portal-process.ts). */
  portalUrl: string;
  /** Memory sampling period, ms. */
  sampleMs: number;
  log: (line: string) => void;
}

/**
 * One setting: a fresh --out folder under the temp dir, a full local run with `fleetpdf run`'s
 * defaults against the plan's portal, memory sampled on a timer and CPU read before and after
 * (after the browser closed, so all of Chromium is counted).
 */
export async function runSetting(plan: SettingPlan): Promise<SettingMeasurement> {
  const out = mkdtempSync(join(tmpdir(), `fleetpdf-bench-${plan.path}-${plan.workers}-`));
  const sampler = new MemorySampler().start(plan.sampleMs);
  try {
    let downloadsFrom = 0;
    let lastDone = 0;
    let statsAtStart: ReturnType<typeof readPortalStats> | undefined;
    const cpuAtStart = readCpu();
    const startedAt = Date.now();
    const result = await runLocalJob({
      profile: dealerValues,
      portalUrl: plan.portalUrl,
      portalName: 'bench demo portal',
      credentials: DEMO_CREDENTIALS,
      // The same attempts, timeouts and backoff as `fleetpdf run` without options.
      settings: { ...defaultSettings('local'), outDir: out, workers: plan.workers, forceNew: true, fetchMode: plan.path },
      log: (line) => plan.log(`  ${line}`),
      onStart: () => {
        downloadsFrom = Date.now();
        // Read while the first vehicles' requests are still on their way (they take a page latency at least).
        statsAtStart = readPortalStats(plan.portalUrl);
      },
      onAttempt: (attempt) => {
        if (attempt.result === 'done') lastDone = Date.now();
      },
    });
    const wallSeconds = (Date.now() - startedAt) / 1000;
    const cpu = cpuSince(cpuAtStart);
    const peaks = sampler.stop();
    const statsAtEnd = await readPortalStats(plan.portalUrl);
    const atStart = statsAtStart ? await statsAtStart : undefined;
    const report = JSON.parse(readFileSync(join(result.folder, 'report.json'), 'utf8')) as RunReport;
    const done = report.succeeded;
    const pdfs = statsAtEnd.pdfRequests - (atStart?.pdfRequests ?? 0);
    const requests = statsAtEnd.requests - (atStart?.requests ?? 0);
    return {
      path: plan.path,
      workers: plan.workers,
      vehicles: plan.vehicles,
      done,
      failed: report.failed,
      downloadSeconds: lastDone > downloadsFrom ? (lastDone - downloadsFrom) / 1000 : 0,
      wallSeconds,
      setupSeconds: downloadsFrom > 0 ? (downloadsFrom - startedAt) / 1000 : 0,
      report: {
        p50Seconds: report.p50_seconds,
        p95Seconds: report.p95_seconds,
        throughputPerHour: report.throughput_per_hour,
        retries: report.retries,
        peakRssMb: report.peak_rss_mb,
        concurrencyLowest: report.concurrency_lowest,
      },
      peakRssMb: peaks.peak.totalMb,
      peakNodeMb: peaks.rootPeakMb,
      peakChromiumMb: peaks.chromiumPeakMb,
      peakPrivateMb: peaks.privatePeakMb,
      renderers: peaks.renderers.median,
      cpu: {
        nodeSeconds: Math.max(0, cpu.nodeSeconds - peaks.cpuSeconds),
        chromiumSeconds: cpu.childrenSeconds,
        samplerSeconds: peaks.cpuSeconds,
      },
      requestsPerVehicle: {
        pages: done > 0 ? (requests - pdfs) / done : 0,
        pdfs: done > 0 ? pdfs / done : 0,
      },
      directDownloads: report.direct_downloads,
      browserDownloads: report.browser_downloads,
    };
  } finally {
    sampler.stop();
    rmSync(out, { recursive: true, force: true });
  }
}
