/**
 * `npm run bench`: local runs against the demo portal (in a process of its own) at several worker counts and
 * both fetch paths (throughput, speedup, efficiency against the portal's ideal, per-vehicle
 * p50/p95, peak memory, CPU); `--cloud-model` for the cloud's wall time and bill at scale;
 * `--browser-variants` for the memory of worker-page layouts and Chromium switches; `--micro` for
 * the rates of the parts (CSV parse, queues, demo portal PDFs, emulator start), which no test asserts.
 *
 *   npx tsx scripts/bench/main.ts [--workers 1,8] [--vehicles N] [--fetch browser,direct] [--json]
 */
import { CommanderError } from 'commander';
import { BROWSER_VARIANTS, measureBrowserVariants } from './browser-variants.js';
import { modelCloudRun, type CloudRunEstimate, type MeasuredDurations, type StackSettings } from './cloud-model.js';
import { PRICES_CHECKED, US_EAST_1_PRICES } from './cloud-prices.js';
import { defaultValidationPlan, formatCloudValidation, validateCloudModel, type CloudValidation } from './cloud-validate.js';
import { measureColdStart } from './cold-start.js';
import { describeMachine, finishMachine, type MachineInfo } from './machine.js';
import { medianOfRuns, summarize, type PortalShape, type SettingMeasurement } from './measurements.js';
import { benchProgram, BenchInputError, DEFAULT_VEHICLES, parseBenchOptions, type BenchOptions } from './options.js';
import { prepareIsolation, runIsolated, useIsolation } from './isolated.js';
import { startPortalProcess } from './portal-process.js';
import type { SettingPlan } from './runner.js';
import { readStackSettings } from './stack-settings.js';
import {
  formatCloudInputs,
  formatCloudTable,
  formatLocalTable,
  formatMachine,
  formatPortalShape,
  formatSeedsCase,
  formatVariantsTable,
  type CloudInputs,
} from './table.js';

/** The seeds' sequential scraper: 60 s per vehicle; 2,000 vehicles at concurrency 200 must take <= 12 minutes. */
const SEEDS_CASE = { vehicles: 2000, perVehicleSecs: 60, concurrency: 200, minutesTarget: 12, ratioTarget: 1.2 } as const;

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Vehicles per worker when --vehicles is not given (at least DEFAULT_VEHICLES.local). A run's
 * last round leaves lanes idle while the slowest vehicle finishes: with 40 rounds per lane that
 * tail is about a fortieth of the run, as in a real inventory of thousands, not a seventh (200
 * vehicles at 32 workers).
 */
const VEHICLES_PER_WORKER = 40;

/** One setting in a fresh process, against a fresh demo portal in a process of its own (same seed: the same inventory). */
async function measureSetting(
  { seed, portal: shape, ...plan }: Omit<SettingPlan, 'log' | 'portalUrl'> & { seed: number; portal: PortalShape; verbose: boolean },
): Promise<SettingMeasurement> {
  const portal = await startPortalProcess({
    vehicles: plan.vehicles,
    seed,
    pageLatencyMs: shape.pageLatencyMs,
    pdfLatencyMs: shape.pdfLatencyMs,
    ...(shape.rateLimit !== undefined ? { faults: `ratelimit=${shape.rateLimit}` } : {}),
  });
  try {
    return await runIsolated<SettingMeasurement>('setting', { ...plan, portalUrl: portal.url }, log);
  } finally {
    await portal.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const program = benchProgram().exitOverride();
  let raw: Record<string, unknown>;
  try {
    raw = program.parse(argv).opts();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const options = parseBenchOptions(raw);
  const portal: PortalShape = {
    pageLatencyMs: options.pageLatencyMs,
    pdfLatencyMs: options.pdfLatencyMs,
    ...(options.portalRateLimit !== undefined ? { rateLimit: options.portalRateLimit } : {}),
  };
  const machine = await describeMachine();
  log(formatMachine(machine));
  // In this process: no child to isolate.
  if (options.mode === 'micro') return micro(options, machine);
  const isolation = prepareIsolation(options.privateBinaries && !process.env.FLEETPDF_CHROMIUM);
  useIsolation(isolation);
  try {
    if (options.mode === 'cloud-model') return await cloudModel(options, portal, machine);
    if (options.mode === 'browser-variants') return await browserVariants(options, portal, machine);
    return await localBench(options, portal, machine);
  } finally {
    isolation.close();
  }
}

async function localBench(options: BenchOptions, portal: PortalShape, machine: MachineInfo): Promise<number> {
  const vehiclesFor = (workers: number) => options.vehicles ?? Math.max(DEFAULT_VEHICLES.local, VEHICLES_PER_WORKER * workers);
  log(formatPortalShape(portal, options.fetch));
  const measured: SettingMeasurement[] = [];
  // Paths interleaved per worker count, so load from elsewhere falls on both alike.
  for (const workers of options.workers) {
    for (const path of options.fetch) {
      const vehicles = vehiclesFor(workers);
      log(`bench: ${path} path, ${workers} worker(s), ${vehicles} vehicles ...`);
      const runs: SettingMeasurement[] = [];
      for (let run = 0; run < options.repeat; run += 1) {
        runs.push(await measureSetting({ path, workers, vehicles, seed: options.seed, portal, sampleMs: options.sampleMs, verbose: options.verbose }));
      }
      const m = medianOfRuns(runs);
      log(
        `bench: ${path} x${workers}: ${m.done}/${vehicles} DONE in ${m.downloadSeconds.toFixed(1)} s of downloads ` +
          `(${m.wallSeconds.toFixed(1)} s in all), peak ${m.peakRssMb.toFixed(0)} MB`,
      );
      measured.push(m);
    }
  }
  const rows = summarize(measured, portal).sort((a, b) => options.fetch.indexOf(a.path) - options.fetch.indexOf(b.path) || a.workers - b.workers);
  const done = finishMachine(machine);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ machine: done, portal, settings: rows }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatMachine(done)}\n${formatPortalShape(portal, options.fetch)}\n${formatLocalTable(rows)}\n`);
  }
  const incomplete = rows.filter((r) => r.done < r.vehicles);
  return incomplete.length ? 1 : 0;
}

async function cloudModel(options: BenchOptions, portal: PortalShape, machine: MachineInfo): Promise<number> {
  log('cloud model: reading the stack settings (synth without bundling) ...');
  const stack = await readStackSettings();

  let perVehicleSecs = options.perVehicleSecs;
  let perVehicleSource = 'given with --per-vehicle-secs';
  let portalSetupSecs = options.portalSetupSecs;
  let portalSetupSource = 'given with --portal-setup-secs';
  if (perVehicleSecs === undefined || portalSetupSecs === undefined) {
    const vehicles = options.vehicles ?? DEFAULT_VEHICLES['cloud-model'];
    log(`cloud model: measuring one worker on the browser path, ${vehicles} vehicles, against the demo portal ...`);
    const m = await measureSetting({ path: 'browser', workers: 1, vehicles, seed: options.seed, portal, sampleMs: options.sampleMs, verbose: options.verbose });
    if (m.done === 0) throw new Error('the measuring run stored no vehicle: nothing to model from');
    const where = `measured: 1 worker, browser path, ${m.done} vehicles, portal ${portal.pageLatencyMs} ms/page + ${portal.pdfLatencyMs} ms/PDF`;
    if (perVehicleSecs === undefined) {
      perVehicleSecs = m.downloadSeconds / m.done;
      perVehicleSource = `${where}; mean (p50 ${m.report.p50Seconds} s)`;
    }
    if (portalSetupSecs === undefined) {
      portalSetupSecs = m.setupSeconds;
      portalSetupSource = `${where}; includes a warm local browser launch`;
    }
  }

  let coldStartSecs = options.coldStartSecs;
  let nodeColdStartSecs = options.coldStartSecs;
  let coldStartSource = 'given with --cold-start-secs';
  if (coldStartSecs === undefined) {
    log('cloud model: measuring a browser container cold start (fresh Node, empty TMPDIR, Lambda switches), 3 times ...');
    const cold = await measureColdStart('lambda', 3);
    coldStartSecs = cold.totalSecs;
    nodeColdStartSecs = cold.modulesSecs;
    coldStartSource =
      `measured here, median of 3: Node + modules ${cold.modulesSecs.toFixed(2)} s, unpack ${cold.unpackSecs.toFixed(2)} s, ` +
      `launch ${cold.launchSecs.toFixed(2)} s, first page ${cold.firstPageSecs.toFixed(2)} s; the Lambda runtime's own start not included`;
  }
  const durations = (perVehicle: number): MeasuredDurations => ({
    perVehicleSecs: perVehicle,
    browserColdStartSecs: coldStartSecs!,
    nodeColdStartSecs: nodeColdStartSecs!,
    portalSetupSecs: portalSetupSecs!,
    awsRequestSecs: options.awsRequestMs / 1000,
  });
  const model = (vehicles: number, concurrency: number, perVehicle: number): CloudRunEstimate =>
    modelCloudRun({
      vehicles,
      concurrency,
      portalRateLimit: options.portalRateLimit,
      durations: durations(perVehicle),
      stack,
      prices: US_EAST_1_PRICES,
    });
  const rows = options.cloudVehicles.flatMap((v) => options.concurrency.map((c) => model(v, c, perVehicleSecs!)));
  const seeds = model(SEEDS_CASE.vehicles, SEEDS_CASE.concurrency, SEEDS_CASE.perVehicleSecs);

  const inputs: CloudInputs = {
    perVehicleSecs,
    perVehicleSource,
    coldStartSecs,
    coldStartSource,
    nodeColdStartSecs: nodeColdStartSecs!,
    portalSetupSecs,
    portalSetupSource,
    awsRequestMs: options.awsRequestMs,
    portalRateLimit: options.portalRateLimit,
    stackLine: describeStack(stack),
    pricesLine: `us-east-1 on-demand list prices written down ${PRICES_CHECKED} (scripts/bench/cloud-prices.ts)`,
  };
  let validation: CloudValidation | undefined;
  if (options.validate) {
    log('cloud model: validating against offline cloud runs (emulated AWS) ...');
    validation = await validateCloudModel({ ...defaultValidationPlan(options), ...(options.validateRuns ? { runs: options.validateRuns } : {}) }, log);
  }
  const done = finishMachine(machine);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ machine: done, inputs, stack, prices: US_EAST_1_PRICES, pricesChecked: PRICES_CHECKED, rows, seedsCase: seeds, ...(validation ? { validation } : {}) }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(
      [
        formatMachine(done),
        formatCloudInputs(inputs),
        formatCloudTable(rows),
        formatSeedsCase(seeds, SEEDS_CASE.perVehicleSecs, SEEDS_CASE.minutesTarget, SEEDS_CASE.ratioTarget),
        ...rows.flatMap((r) => r.warnings.map((w) => `! ${r.vehicles} vehicles at ${r.concurrency}: ${w}`)),
        ...(validation ? [formatCloudValidation(validation)] : []),
        '',
      ].join('\n'),
    );
  }
  if (validation?.runs.some((r) => !r.predicted)) return 1;
  return seeds.wallSecs / 60 <= SEEDS_CASE.minutesTarget && seeds.ratio <= SEEDS_CASE.ratioTarget ? 0 : 1;
}

function describeStack(s: StackSettings): string {
  return (
    `downloader ${s.downloader.memoryMb} MB, ${s.downloader.timeoutSecs} s, /tmp ${s.downloader.ephemeralMb} MB, batch ${s.downloader.batchSize}, ` +
    `default concurrency ${s.downloader.maxConcurrency}; poll every ${s.pollIntervalSecs} s; ` +
    `Login ${s.login.memoryMb} MB, Enqueue ${s.enqueue.memoryMb} MB, Progress ${s.progress.memoryMb} MB, Report ${s.report.memoryMb} MB`
  );
}

async function micro(options: BenchOptions, machine: MachineInfo): Promise<number> {
  const { formatMicroTable, measureMicro } = await import('./micro.js');
  const rows = await measureMicro(options.repeat, log);
  const done = finishMachine(machine);
  if (options.json) process.stdout.write(`${JSON.stringify({ machine: done, micro: rows }, null, 2)}\n`);
  else process.stdout.write(`${formatMachine(done)}\n${formatMicroTable(rows)}\n`);
  return 0;
}

async function browserVariants(options: BenchOptions, portal: PortalShape, machine: MachineInfo): Promise<number> {
  const workers = options.workersGiven ? options.workers[0]! : 8;
  const vehicles = options.vehicles ?? DEFAULT_VEHICLES['browser-variants'];
  // The first variant is the baseline the savings are counted from: always measured.
  const variants = options.only
    ? BROWSER_VARIANTS.filter((v, i) => i === 0 || options.only!.some((name) => v.name.includes(name)))
    : BROWSER_VARIANTS;
  log(`variants: ${variants.length} variants x ${options.repeat} runs, ${workers} workers, ${vehicles} vehicles each ...`);
  const rows = await measureBrowserVariants(variants, { workers, vehicles, repeat: options.repeat, portal, sampleMs: options.sampleMs, log });
  const done = finishMachine(machine);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ machine: done, portal, workers, vehicles, variants: rows }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatMachine(done)}\n${formatVariantsTable(rows, workers)}\n`);
  }
  // Variants that fail are findings, not a broken bench (--single-process is measured to show it fails).
  return rows.every((r) => r.runs > 0) ? 0 : 1;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BenchInputError) {
      process.stderr.write(`bench: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
