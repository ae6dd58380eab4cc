import { Command } from 'commander';
import { z } from 'zod';
import { parseRuns, type ValidationRunPlan } from './cloud-validate.js';
import { FETCH_PATHS, type FetchPath } from './measurements.js';

/** What `npm run bench` does. */
export type BenchMode = 'local' | 'cloud-model' | 'browser-variants' | 'micro';

export interface BenchOptions {
  mode: BenchMode;
  workers: number[];
  /** --workers was given (the browser variants default to 8 workers otherwise). */
  workersGiven: boolean;
  /** Inventory size; undefined = the mode's own default. */
  vehicles?: number;
  fetch: FetchPath[];
  pageLatencyMs: number;
  pdfLatencyMs: number;
  portalRateLimit?: number;
  seed: number;
  json: boolean;
  verbose: boolean;
  sampleMs: number;
  /** Give the measured processes private copies of node and Chromium (see isolated.ts). */
  privateBinaries: boolean;
  /** Cloud model. */
  perVehicleSecs?: number;
  portalSetupSecs?: number;
  coldStartSecs?: number;
  cloudVehicles: number[];
  concurrency: number[];
  awsRequestMs: number;
  /** Cloud model: also check it against small offline cloud runs (cloud-validate.ts). */
  validate: boolean;
  /** Cloud model: the offline runs to validate with, as VEHICLESxCONCURRENCY (undefined = the defaults). */
  validateRuns?: ValidationRunPlan[];
  /** Runs per setting (local), per variant (browser variants) or per measurement (micro); the tables show medians. */
  repeat: number;
  /** Browser variants: only those whose name contains one of these. */
  only?: string[];
}

/** Inventory sizes when --vehicles is not given. */
export const DEFAULT_VEHICLES: Record<BenchMode, number> = {
  local: 200,
  // One worker, browser path: enough vehicles for a steady per-vehicle time and a login + export.
  'cloud-model': 20,
  // 80 vehicles per renderer at 8 workers: enough for its garbage to show.
  'browser-variants': 160,
  // The micro measurements size their own work.
  micro: 0,
};

const whole = (name: string, min: number, max: number) =>
  z.coerce
    .number<string>({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const positive = (name: string, max: number) =>
  z.coerce.number<string>({ error: `${name} must be a number` }).gt(0, `${name} must be more than 0`).max(max, `${name} must be at most ${max}`);

/** A comma-separated list of whole numbers, each checked, duplicates dropped, in the given order. */
const wholeList = (name: string, min: number, max: number) =>
  z
    .string()
    .transform((text) => text.split(',').map((item) => item.trim()).filter(Boolean))
    .pipe(z.array(whole(name, min, max)).min(1, `${name} needs at least one value`))
    .transform((values) => [...new Set(values)]);

const fetchList = z
  .string()
  .transform((text) => text.split(',').map((item) => item.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.enum(FETCH_PATHS as [FetchPath, ...FetchPath[]], { error: '--fetch takes browser, direct or both (browser,direct)' }))
      .min(1, '--fetch needs at least one path'),
  )
  .transform((values) => [...new Set(values)]);

export const BenchOptionsSchema = z
  .object({
    workers: wholeList('--workers', 1, 64).default([1, 2, 4, 8, 16, 32]),
    vehicles: whole('--vehicles', 1, 100_000).optional(),
    fetch: fetchList.default([...FETCH_PATHS]),
    pageLatency: whole('--page-latency', 0, 60_000).default(300),
    pdfLatency: whole('--pdf-latency', 0, 60_000).default(700),
    portalRateLimit: whole('--portal-rate-limit', 1, 10_000).optional(),
    seed: whole('--seed', 0, 2 ** 31).default(1),
    json: z.boolean().default(false),
    verbose: z.boolean().default(false),
    sampleMs: whole('--sample-ms', 50, 10_000).default(500),
    privateBinaries: z.boolean().default(true),
    cloudModel: z.boolean().default(false),
    validate: z.boolean().default(false),
    validateRuns: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return undefined;
        try {
          return parseRuns(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
    perVehicleSecs: positive('--per-vehicle-secs', 3600).optional(),
    portalSetupSecs: z.coerce.number({ error: '--portal-setup-secs must be a number' }).min(0).max(3600).optional(),
    coldStartSecs: z.coerce.number({ error: '--cold-start-secs must be a number' }).min(0).max(600).optional(),
    cloudVehicles: wholeList('--cloud-vehicles', 1, 10_000_000).default([2000, 20_000]),
    concurrency: wholeList('--concurrency', 1, 1000).default([10, 50, 100, 200]),
    awsRequestMs: z.coerce.number({ error: '--aws-request-ms must be a number' }).min(0).max(10_000).default(10),
    browserVariants: z.boolean().default(false),
    micro: z.boolean().default(false),
    repeat: whole('--repeat', 1, 20).optional(),
    only: z
      .string()
      .transform((text) => text.split(',').map((item) => item.trim()).filter(Boolean))
      .optional(),
  })
  .refine((o) => [o.cloudModel, o.browserVariants, o.micro].filter(Boolean).length <= 1, {
    error: '--cloud-model, --browser-variants and --micro are separate runs: pick one',
  })
  .refine((o) => !o.validate || o.cloudModel, { error: '--validate goes with --cloud-model' })
  .refine((o) => !o.validateRuns || o.validate, { error: '--validate-runs goes with --validate' });

/** The command line, commander for the shape and --help, zod for the values. */
export function benchProgram(): Command {
  return new Command('bench')
    .description(
      'Throughput, latency, memory and CPU of local runs against the demo portal at several worker counts; ' +
        'or a cloud scale and cost model (--cloud-model); or the browser memory variants (--browser-variants); ' +
        'or the rates of the parts a run leans on (--micro).',
    )
    .option('--workers <list>', 'worker counts to bench, e.g. 1,8 (default 1,2,4,8,16,32; 8 for --browser-variants)')
    .option('--vehicles <n>', `inventory size (default ${DEFAULT_VEHICLES.local}; ${DEFAULT_VEHICLES['cloud-model']} for the cloud model's measuring run, ${DEFAULT_VEHICLES['browser-variants']} for the variants)`)
    .option('--fetch <paths>', 'fetch paths to bench: browser, direct, or browser,direct', 'browser,direct')
    .option('--page-latency <ms>', 'demo portal delay per page', '300')
    .option('--pdf-latency <ms>', 'demo portal delay per PDF', '700')
    .option('--portal-rate-limit <n>', 'the portal answers 429 above N requests in flight (local runs and the cloud model)')
    .option('--seed <n>', 'demo portal inventory seed', '1')
    .option('--json', 'print the results as JSON on stdout', false)
    .option('--verbose', 'show the runs\' own log lines on stderr', false)
    .option('--sample-ms <ms>', 'memory sampling period (each sample costs CPU: it is subtracted from Node\'s)', '500')
    .option('--no-private-binaries', 'run the measured processes from the shared node and Chromium binaries (memory then depends on what else runs them)')
    .option('--cloud-model', 'model cloud runs (wall time, cost) from measured durations and the stack settings', false)
    .option('--per-vehicle-secs <secs>', 'cloud model: per-vehicle time instead of measuring it locally')
    .option('--portal-setup-secs <secs>', 'cloud model: login + inventory export time instead of measuring it locally')
    .option('--cold-start-secs <secs>', 'cloud model: browser container cold start instead of measuring it')
    .option('--cloud-vehicles <list>', 'cloud model: inventory sizes', '2000,20000')
    .option('--concurrency <list>', 'cloud model: downloader concurrencies', '10,50,100,200')
    .option('--aws-request-ms <ms>', 'cloud model: assumed latency of one DynamoDB/SQS/S3 call (not measurable here)', '10')
    .option('--validate', 'cloud model: also check the model against offline cloud runs at small scale (emulated AWS, about a minute)', false)
    .option('--validate-runs <list>', 'cloud model: the offline runs, as VEHICLESxCONCURRENCY (default 40x2,40x4,80x8)')
    .option('--browser-variants', 'measure worker-page layouts and Chromium switches for memory', false)
    .option('--micro', 'measure the parts: CSV parse, SQLite and memory queues, demo portal PDFs, emulator start, DynamoDB register', false)
    .option('--repeat <n>', 'runs per setting (default 1), per browser variant or micro measurement (default 3); medians are shown, with the spread')
    .option('--only <names>', 'browser variants: only those whose name contains one of these (comma-separated)')
    .addHelpText(
      'after',
      `
Examples:
  $ npm run bench                                   # 1..32 workers, browser and direct paths, 40 vehicles a worker
  $ npm run bench -- --workers 1,8 --vehicles 40    # a quick look
  $ npm run bench -- --workers 8 --fetch browser --repeat 5   # one setting, medians of 5 runs
  $ npm run bench -- --cloud-model                  # measure locally, then model 2,000 / 20,000 vehicles in the cloud
  $ npm run bench -- --cloud-model --per-vehicle-secs 60 --portal-rate-limit 50
  $ npm run bench -- --browser-variants --workers 8 # memory of the worker-page layouts
  $ npm run bench -- --micro                        # CSV parse, queue, portal and emulator rates (about a minute)`,
    );
}

/** Checked options; the first bad value becomes one line naming its option. */
export function parseBenchOptions(raw: Record<string, unknown>): BenchOptions {
  const result = BenchOptionsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const option = issue.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'options';
    throw new BenchInputError(issue.message.startsWith('--') ? issue.message : `${option}: ${issue.message}`);
  }
  const o = result.data;
  return {
    mode: o.cloudModel ? 'cloud-model' : o.browserVariants ? 'browser-variants' : o.micro ? 'micro' : 'local',
    workers: o.workers,
    workersGiven: raw.workers !== undefined,
    vehicles: o.vehicles,
    fetch: o.fetch,
    pageLatencyMs: o.pageLatency,
    pdfLatencyMs: o.pdfLatency,
    portalRateLimit: o.portalRateLimit,
    seed: o.seed,
    json: o.json,
    verbose: o.verbose,
    sampleMs: o.sampleMs,
    privateBinaries: o.privateBinaries,
    perVehicleSecs: o.perVehicleSecs,
    portalSetupSecs: o.portalSetupSecs,
    coldStartSecs: o.coldStartSecs,
    cloudVehicles: o.cloudVehicles,
    concurrency: o.concurrency,
    awsRequestMs: o.awsRequestMs,
    validate: o.validate,
    ...(o.validateRuns ? { validateRuns: o.validateRuns } : {}),
    repeat: o.repeat ?? (o.browserVariants || o.micro ? 3 : 1),
    only: o.only,
  };
}

/** A bad option: one line, exit code 2. */
export class BenchInputError extends Error {
  override readonly name = 'BenchInputError';
}
