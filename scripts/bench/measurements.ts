/**
 * The arithmetic of the local benchmark: what the portal makes one vehicle wait on each fetch
 * path, the ideal throughput that follows, and the figures derived from the settings measured
 * (speedup, efficiency, memory per added worker). Pure functions: the runner measures, these
 * only compute.
 */
import { median } from './median.js';

/** How a run fetches documents (LocalJobOptions.fetchMode, without `auto`). */
export type FetchPath = 'browser' | 'direct';

export const FETCH_PATHS: readonly FetchPath[] = ['browser', 'direct'];

/**
 * Portal requests one vehicle costs on each path (dealer-values profile): the browser opens the
 * vehicle page and presses its download control (page + PDF); the direct path GETs the PDF URL.
 * Static files are blocked or free of latency in the demo portal, so they do not count.
 */
export const REQUESTS_PER_VEHICLE: Readonly<Record<FetchPath, { pages: number; pdfs: number }>> = {
  browser: { pages: 1, pdfs: 1 },
  direct: { pages: 0, pdfs: 1 },
};

/** The demo portal's fixed latencies and optional rate limit, as the bench set them. */
export interface PortalShape {
  pageLatencyMs: number;
  pdfLatencyMs: number;
  /** Requests the portal lets through at once (429 above); undefined = no limit. */
  rateLimit?: number;
}

/** Seconds the portal makes one vehicle wait on `path`: its requests times their latency. */
export function vehicleLatencySecs(path: FetchPath, portal: PortalShape): number {
  const { pages, pdfs } = REQUESTS_PER_VEHICLE[path];
  return (pages * portal.pageLatencyMs + pdfs * portal.pdfLatencyMs) / 1000;
}

/**
 * Vehicles per hour with no overhead at all: every worker always waiting on the portal. A
 * vehicle's requests go one after another, so it holds at most one request slot at a time and a
 * rate limit of K lets at most K vehicles progress at once. Undefined when the portal adds no
 * latency (the ideal is then unbounded).
 */
export function idealVehiclesPerHour(path: FetchPath, workers: number, portal: PortalShape): number | undefined {
  const latency = vehicleLatencySecs(path, portal);
  if (latency <= 0) return undefined;
  const parallel = portal.rateLimit === undefined ? workers : Math.min(workers, portal.rateLimit);
  return (parallel / latency) * 3600;
}

/** What one setting (one path, one worker count) measured. */
export interface SettingMeasurement {
  path: FetchPath;
  workers: number;
  vehicles: number;
  done: number;
  failed: number;
  /** From the first lease to the last DONE vehicle (login and inventory export excluded). */
  downloadSeconds: number;
  /** The whole runLocalJob call: browser launch, login, export, downloads, report. */
  wallSeconds: number;
  /** From the call to the first lease: browser launch, login, inventory export, tracking rows. */
  setupSeconds: number;
  /** report.json's own figures. */
  report: {
    p50Seconds: number;
    p95Seconds: number;
    throughputPerHour: number;
    retries: number;
    peakRssMb: number;
    /** The adaptive limit's lowest concurrency (it steps down on 429s and rising latency). */
    concurrencyLowest?: number;
  };
  /** Peak memory of Node + every Chromium process, sampled during the run (PSS, MB). */
  peakRssMb: number;
  peakNodeMb: number;
  peakChromiumMb: number;
  /** Peak private memory (not shared with any other process), MB. */
  peakPrivateMb: number;
  /** Chromium renderer processes during the run (median of the samples that had any). */
  renderers: number;
  /** CPU of the run; Node's without the bench's own memory sampling (samplerSeconds). */
  cpu: { nodeSeconds: number; chromiumSeconds: number; samplerSeconds: number };
  /** Portal requests per DONE vehicle during the downloads (a check on REQUESTS_PER_VEHICLE). */
  requestsPerVehicle: { pages: number; pdfs: number };
  /** Documents report.json says came from each path (undefined: the report does not say). */
  directDownloads?: number;
  browserDownloads?: number;
  /** Runs this measurement is the median of (see medianOfRuns); 1 when absent. */
  runs?: number;
  /** With several runs: the lowest and highest download time and peak memory among them. */
  spread?: { downloadSeconds: [number, number]; peakRssMb: [number, number] };
}

/**
 * Repeated runs of one setting as one measurement: every figure is its own median over the runs
 * (a noisy machine moves each one independently), `done` the fewest any run stored, and the
 * spread of the two figures the targets are read from.
 */
export function medianOfRuns(runs: readonly SettingMeasurement[]): SettingMeasurement {
  const [first] = runs;
  if (!first) throw new Error('medianOfRuns needs at least one run');
  if (runs.length === 1) return first;
  const m = (pick: (r: SettingMeasurement) => number) => median(runs.map(pick));
  const range = (pick: (r: SettingMeasurement) => number): [number, number] => [Math.min(...runs.map(pick)), Math.max(...runs.map(pick))];
  return {
    ...first,
    done: Math.min(...runs.map((r) => r.done)),
    failed: Math.max(...runs.map((r) => r.failed)),
    downloadSeconds: m((r) => r.downloadSeconds),
    wallSeconds: m((r) => r.wallSeconds),
    setupSeconds: m((r) => r.setupSeconds),
    report: {
      ...first.report,
      p50Seconds: m((r) => r.report.p50Seconds),
      p95Seconds: m((r) => r.report.p95Seconds),
      throughputPerHour: m((r) => r.report.throughputPerHour),
      retries: m((r) => r.report.retries),
      peakRssMb: m((r) => r.report.peakRssMb),
    },
    peakRssMb: m((r) => r.peakRssMb),
    peakNodeMb: m((r) => r.peakNodeMb),
    peakChromiumMb: m((r) => r.peakChromiumMb),
    peakPrivateMb: m((r) => r.peakPrivateMb),
    renderers: m((r) => r.renderers),
    cpu: { nodeSeconds: m((r) => r.cpu.nodeSeconds), chromiumSeconds: m((r) => r.cpu.chromiumSeconds), samplerSeconds: m((r) => r.cpu.samplerSeconds) },
    requestsPerVehicle: { pages: m((r) => r.requestsPerVehicle.pages), pdfs: m((r) => r.requestsPerVehicle.pdfs) },
    runs: runs.length,
    spread: { downloadSeconds: range((r) => r.downloadSeconds), peakRssMb: range((r) => r.peakRssMb) },
  };
}

/** A measured setting with the figures derived against its path's 1-worker setting and the ideal. */
export interface SettingSummary extends SettingMeasurement {
  vehiclesPerHour: number;
  speedup?: number;
  idealPerHour?: number;
  efficiency?: number;
  /** (peak RSS - the 1-worker setting's) / (workers - 1), MB. */
  rssPerAddedWorkerMb?: number;
  /** CPU seconds of Node + Chromium per wall second of the run: cores kept busy. */
  coresUsed: number;
  /** With several runs: the lowest and highest efficiency among them. */
  efficiencyRange?: [number, number];
}

/** Vehicles per hour over the download window. */
export function vehiclesPerHour(done: number, seconds: number): number {
  return seconds > 0 ? (done / seconds) * 3600 : 0;
}

/** Derive speedup, efficiency and memory per added worker for each setting, per path. */
export function summarize(measured: readonly SettingMeasurement[], portal: PortalShape): SettingSummary[] {
  return measured.map((m) => {
    const base = measured.find((b) => b.path === m.path && b.workers === 1);
    const perHour = vehiclesPerHour(m.done, m.downloadSeconds);
    const basePerHour = base ? vehiclesPerHour(base.done, base.downloadSeconds) : undefined;
    const ideal = idealVehiclesPerHour(m.path, m.workers, portal);
    const summary: SettingSummary = {
      ...m,
      vehiclesPerHour: perHour,
      coresUsed: m.wallSeconds > 0 ? (m.cpu.nodeSeconds + m.cpu.chromiumSeconds) / m.wallSeconds : 0,
    };
    if (basePerHour) summary.speedup = perHour / basePerHour;
    if (ideal !== undefined) {
      summary.idealPerHour = ideal;
      summary.efficiency = perHour / ideal;
      if (m.spread) {
        const [fastest, slowest] = m.spread.downloadSeconds;
        summary.efficiencyRange = [vehiclesPerHour(m.done, slowest) / ideal, vehiclesPerHour(m.done, fastest) / ideal];
      }
    }
    if (base && m.workers > 1) summary.rssPerAddedWorkerMb = (m.peakRssMb - base.peakRssMb) / (m.workers - 1);
    return summary;
  });
}

/** Which path a finished run really used, from report.json's counts; undefined when it does not say. */
export function observedPath(directDownloads?: number, browserDownloads?: number): FetchPath | 'mixed' | undefined {
  if (directDownloads === undefined || browserDownloads === undefined) return undefined;
  if (directDownloads > 0 && browserDownloads > 0) return 'mixed';
  if (directDownloads > 0) return 'direct';
  if (browserDownloads > 0) return 'browser';
  return undefined;
}
