import { z } from 'zod';
import { flag, fraction, oneOf, portalUrl, text, wholeNumber } from './schemas.js';
import type { CloudSpec, LocalSpec } from './types.js';

/** How PDFs are fetched: the profile's direct URL over HTTP, a worker page, or direct with the page as fallback. */
export const FETCH_MODES = ['auto', 'browser', 'direct'] as const;

/** Keeps each definition's exact shape (which runtimes it has, whether it has a default) for the settings' types. */
const define = <
  S extends z.ZodType,
  const L extends LocalSpec<unknown> | undefined = undefined,
  const C extends CloudSpec<unknown> | undefined = undefined,
>(definition: {
  doc: string;
  schema: S;
  local?: L & LocalSpec<z.input<S>>;
  cloud?: C & CloudSpec<z.input<S>>;
}) => definition as { readonly doc: string; readonly schema: S; readonly local: L; readonly cloud: C };

/**
 * Every tunable of fleetpdf, once: its name (with its unit), a one-line doc, its schema,
 * its default per runtime, and how it is set there. `fleetpdf run` flags (lib/cli), the
 * Lambda environment (lib/cloud), the CDK context (lib/infra) and the README's option
 * tables (scripts/docs) are all derived from this object.
 */
export const SETTINGS = {
  // The portal and what to download.
  portalUrl: define({
    doc: 'base URL of the dealer portal (local default: start the bundled demo portal)',
    schema: portalUrl,
    local: { flag: '--portal <url>', commands: ['run', 'check'] },
    cloud: { default: 'https://portal.example.com', context: true, env: true },
  }),
  profile: define({
    doc: 'portal profile: a shipped one (dealer-values, window-sticker) or your own file (./acme.ts, ./acme.json; see docs/PORTALS.md)',
    schema: text,
    local: { flag: '--profile <name|file>', default: 'dealer-values', commands: ['run', 'check'] },
    cloud: { default: 'dealer-values', context: true, env: true },
  }),
  fetchMode: define({
    doc: 'how PDFs are fetched: direct = HTTP GET of the profile PDF URL with the session cookies, browser = a worker page per vehicle, auto = direct with the vehicle page as fallback',
    schema: oneOf(FETCH_MODES),
    local: { flag: '--fetch <mode>', default: 'auto', commands: ['run', 'check'] },
    cloud: { default: 'auto', context: true, env: true },
  }),

  // The local run.
  workers: define({
    doc: 'parallel workers: pages, or connections on the direct path',
    schema: wholeNumber(1, 64),
    local: { flag: '--workers <n>', default: 8 },
  }),
  outDir: define({
    doc: 'output folder: run folders and the tracking database fleetpdf.db',
    schema: text,
    local: { flag: '--out <dir>', default: './output' },
  }),
  forceNew: define({
    doc: 'start a new run instead of resuming the newest unfinished one',
    schema: flag,
    local: { flag: '--new', default: false },
  }),
  json: define({
    doc: 'print the final report as JSON on stdout (progress stays on stderr)',
    schema: flag,
    local: { flag: '--json', default: false },
  }),
  limit: define({
    doc: 'only the first N vehicles of the inventory (default: all)',
    schema: wholeNumber(1, 10_000_000),
    local: { flag: '--limit <n>' },
  }),
  blockResources: define({
    doc: 'skip images, fonts and CSS on portal pages (--no-block-resources loads them, for debugging)',
    schema: flag,
    local: { flag: '--no-block-resources', default: true },
  }),

  // Attempts and time budgets.
  maxAttempts: define({
    doc: 'attempts per vehicle before it is FAILED (in the cloud also the DLQ maxReceiveCount)',
    schema: wholeNumber(1, 20),
    local: { flag: '--attempts <n>', default: 3 },
    cloud: { default: 3, context: true, env: true },
  }),
  vehicleTimeoutSecs: define({
    doc: 'budget of one vehicle attempt (session check, navigation, download); the downloader Lambda gets 60 s more',
    schema: wholeNumber(1, 840),
    local: { flag: '--timeout <secs>', default: 60 },
    cloud: { default: 60, context: true, env: true },
  }),
  stepTimeoutSecs: define({
    doc: 'budget of one page navigation or download',
    schema: wholeNumber(1, 600),
    local: { flag: '--step-timeout <secs>', default: 20, commands: ['run', 'check'] },
    cloud: { default: 20, context: true, env: true },
  }),
  maxPdfMb: define({
    doc: 'largest PDF accepted, on both paths; a larger one (by Content-Length before it is read, else as it arrives, decoded) fails too_large, not retried',
    schema: wholeNumber(1, 4096),
    local: { flag: '--max-pdf-mb <mb>', default: 64 },
    cloud: { default: 64, context: true, env: true },
  }),
  retryBaseDelayMs: define({
    doc: 'first retry backoff; doubles per attempt with full jitter (in the cloud longer, so the shared breaker sees an outage before attempts run out)',
    schema: wholeNumber(0, 600_000),
    local: { flag: '--retry-delay <ms>', default: 1000 },
    cloud: { default: 5000, context: true, env: true },
  }),
  retryMaxDelayMs: define({
    doc: 'longest retry backoff',
    schema: wholeNumber(0, 900_000),
    local: { flag: '--retry-max-delay <ms>', default: 30_000 },
    cloud: { default: 30_000, context: true, env: true },
  }),
  freeThrottles: define({
    doc: 'throttled retries (429) per vehicle that do not count as attempts',
    schema: wholeNumber(0, 1000),
    local: { flag: '--free-throttles <n>', default: 10 },
    cloud: { default: 10, context: true, env: true },
  }),
  refreshesPerAttempt: define({
    doc: 'after an ended session is refreshed, times one attempt goes on with the new session in place; past them the vehicle is given back (no attempt used) and comes back after a stagger',
    schema: wholeNumber(0, 10),
    local: { flag: '--refreshes-per-attempt <n>', default: 0 },
    cloud: { default: 0, context: true, env: true },
  }),
  maxRetryAfterSecs: define({
    doc: "longest Retry-After the run waits out; a portal asking for more stops the run (exit 3; in the cloud Paused) with the wait it asked for, instead of parking every vehicle that long",
    schema: wholeNumber(1, 43_200),
    local: { flag: '--max-retry-after <secs>', default: 300 },
    cloud: { default: 300, context: true, env: true },
  }),
  freeRelogins: define({
    doc: 'ended sessions per vehicle that do not count as attempts (while refreshes succeed); past them they count, for a vehicle whose page alone always leads to the sign-in page',
    schema: wholeNumber(0, 1000),
    local: { flag: '--free-relogins <n>', default: 10 },
    cloud: { default: 10, context: true, env: true },
  }),
  reloginStaggerMs: define({
    doc: 'a vehicle given back after its session ended comes back after a random wait of up to this long, so the workers do not all hit the new session at once',
    schema: wholeNumber(0, 600_000),
    local: { flag: '--relogin-stagger <ms>', default: 1000 },
    cloud: { default: 1000, context: true, env: true },
  }),
  maxFruitlessLogins: define({
    doc: 'logins in a row whose session served no document before the sign-in page came back, after which the run stops (exit 3): the portal ends every new session at once, and more logins risk locking the account',
    schema: wholeNumber(1, 100),
    local: { flag: '--max-fruitless-logins <n>', default: 5 },
    cloud: { default: 5, context: true, env: true },
  }),

  // The circuit breaker: the portal as a whole is failing.
  breakerMinSamples: define({
    doc: 'outcomes the breaker needs in its window before it judges the error ratio',
    schema: wholeNumber(1, 10_000),
    local: { flag: '--breaker-min-samples <n>', default: 10 },
    cloud: { default: 10, context: true, env: true },
  }),
  breakerErrorRatio: define({
    doc: "share of the window's outcomes that are the portal's fault (5xx, timeouts, unreachable) at which the breaker opens",
    schema: fraction(0.05, 1),
    local: { flag: '--breaker-error-ratio <ratio>', default: 0.6 },
    cloud: { default: 0.6, context: true, env: true },
  }),
  breakerBucketSecs: define({
    doc: "length of one bucket of the breaker's window of outcomes: the window is the current bucket and the one before (in the cloud shared by every downloader)",
    schema: wholeNumber(1, 600),
    local: { flag: '--breaker-bucket-secs <secs>', default: 10 },
    cloud: { default: 10, context: true, env: true },
  }),
  pauseSecs: define({
    doc: 'how long a run paused by the breaker waits before it probes the portal (locally doubling with each pause in a row); in the cloud also how long a parked message stays hidden (SQS delays at most 900 s)',
    schema: wholeNumber(1, 900),
    local: { flag: '--pause-secs <secs>', default: 15 },
    cloud: { default: 60, context: true, env: true },
  }),
  maxPauseSecs: define({
    doc: 'longest local pause, however many pauses in a row',
    schema: wholeNumber(1, 3600),
    local: { flag: '--max-pause-secs <secs>', default: 120 },
  }),
  maxPauses: define({
    doc: 'pauses in a row (failed probes) after which the run stops: locally with exit 3, in the cloud in the Paused state',
    schema: wholeNumber(0, 100),
    local: { flag: '--max-pauses <n>', default: 5 },
    cloud: { default: 5, context: true, env: true },
  }),

  // Adaptive concurrency (local: the cloud's concurrency is the event source mapping's cap).
  limitGrowAfter: define({
    doc: 'successes in a row before the adaptive concurrency grows by one (up to --workers)',
    schema: wholeNumber(1, 10_000),
    local: { flag: '--limit-grow-after <n>', default: 10 },
  }),
  limitLatencyFactor: define({
    doc: 'smoothed latency above this many times its best counts as the portal slowing down (concurrency minus one)',
    schema: fraction(1.1, 100),
    local: { flag: '--limit-latency-factor <x>', default: 3 },
  }),
  limitCooldownMs: define({
    doc: 'after the concurrency went down, no other decrease for this long (one burst of 429s is one signal)',
    schema: wholeNumber(0, 600_000),
    local: { flag: '--limit-cooldown <ms>', default: 2000 },
  }),

  // Worker lanes (local).
  recycleAfterFailures: define({
    doc: "failures in a row after which a worker's page is rebuilt",
    schema: wholeNumber(1, 1000),
    local: { flag: '--recycle-after <n>', default: 3 },
  }),
  leaseWatchdogSecs: define({
    doc: 'how often expired leases (a stuck worker) are put back in the queue',
    schema: wholeNumber(1, 3600),
    local: { flag: '--lease-watchdog <secs>', default: 5 },
  }),

  // Verification of every document.
  verifyMaxStreamMb: define({
    doc: 'decoded size of one PDF stream above which the document is rejected too_large, not retried (a decompression bomb; a 32 MiB content stream is about 40,000 pages of text)',
    schema: wholeNumber(1, 4096),
    local: { flag: '--verify-max-stream-mb <mb>', default: 32 },
    cloud: { default: 32, context: true, env: true },
  }),
  verifyMaxDocumentMb: define({
    doc: 'decoded size of a whole PDF, every decoding counted (a stream shown on 100 pages counts 100 times), above which it is rejected too_large',
    schema: wholeNumber(1, 16_384),
    local: { flag: '--verify-max-document-mb <mb>', default: 128 },
    cloud: { default: 128, context: true, env: true },
  }),
  verifyMaxPages: define({
    doc: 'pages above which a PDF is rejected too_large before any page is read',
    schema: wholeNumber(1, 100_000),
    local: { flag: '--verify-max-pages <n>', default: 500 },
    cloud: { default: 500, context: true, env: true },
  }),
  verifyMaxHeapMb: define({
    doc: "JS heap of one verification thread (text, fonts, operator state); a document that needs more is rejected too_large",
    schema: wholeNumber(16, 4096),
    local: { flag: '--verify-max-heap-mb <mb>', default: 256 },
    cloud: { default: 256, context: true, env: true },
  }),
  verifyTimeoutSecs: define({
    doc: 'last-resort budget to read one PDF (against CPU-only hostile documents); over it the document is rejected too_large',
    schema: wholeNumber(1, 600),
    local: { flag: '--verify-timeout <secs>', default: 20 },
    cloud: { default: 20, context: true, env: true },
  }),

  // The cloud stack.
  stackName: define({
    doc: 'CloudFormation stack name; fleetpdf cloud finds the outputs by it',
    schema: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'must be a letter, then letters, digits or "-", at most 64 characters'),
    cloud: { default: 'FleetPdf', context: true },
  }),
  downloaderConcurrency: define({
    doc: "most downloader Lambdas at once (the SQS event source's MaximumConcurrency): the portal's peak parallel load",
    schema: wholeNumber(2, 1000),
    cloud: { default: 10, context: true },
  }),
  directConnections: define({
    doc: 'sockets to the portal per downloader container on the direct path',
    schema: wholeNumber(1, 64),
    cloud: { default: 4, context: true, env: true },
  }),
  pollIntervalSecs: define({
    doc: 'seconds between two progress polls of a run (the state machine Wait)',
    schema: wholeNumber(5, 3600),
    cloud: { default: 30, context: true, env: true },
  }),
  credentialsSecretName: define({
    doc: 'an existing Secrets Manager secret with {"username","password"} (default: the stack creates one to fill in)',
    schema: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name'),
    cloud: { context: true },
  }),
  autoDeleteObjects: define({
    doc: 'empty and delete the PDF bucket with the stack (off: PDFs outlive cdk destroy)',
    schema: flag,
    cloud: { default: false, context: true },
  }),
  runRetentionDays: define({
    doc: 'days after which objects under runs/ (PDFs and reports) expire',
    schema: wholeNumber(1, 3650),
    cloud: { default: 90, context: true },
  }),
  alarmEmail: define({
    doc: 'e-mail address subscribed to the alarm topic (AWS sends a confirmation first)',
    schema: z.email('must be an e-mail address'),
    cloud: { context: true },
  }),

  // The bundled demo portal (local).
  demoVehicles: define({
    doc: 'demo portal: inventory size',
    schema: wholeNumber(1, 100_000),
    local: { flag: '--vehicles <n>', default: 200, commands: ['run', 'portal'] },
  }),
  demoPageLatencyMs: define({
    doc: 'demo portal: delay per page',
    schema: wholeNumber(0, 600_000),
    local: { flag: '--latency <ms>', default: 0, commands: ['run', 'portal'] },
  }),
  demoPdfLatencyMs: define({
    doc: 'demo portal: delay per PDF',
    schema: wholeNumber(0, 600_000),
    local: { flag: '--pdf-latency <ms>', default: 0, commands: ['run', 'portal'] },
  }),
  demoFaults: define({
    doc: 'demo portal: injected faults, e.g. 5xx=0.05,hang=0.01,expire=200,kick=500,ratelimit=8,interfere=0.02,down=20',
    schema: text,
    local: { flag: '--faults <spec>', commands: ['run', 'portal'] },
  }),
  demoSeed: define({
    doc: 'demo portal: inventory seed',
    schema: wholeNumber(0, 2 ** 31),
    local: { flag: '--seed <n>', default: 1, commands: ['run', 'portal'] },
  }),
} as const;

export type SettingName = keyof typeof SETTINGS;
