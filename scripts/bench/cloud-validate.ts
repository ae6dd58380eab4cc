import { asciiTable, fixed, type Column } from './ascii-table.js';
import { modelCloudRun, type CloudRunEstimate, type CloudRunInput, type StackSettings } from './cloud-model.js';
import { SQS_EVENT_SOURCE_SCALING, US_EAST_1_PRICES } from './cloud-prices.js';
import { median } from './median.js';

/**
 * Checks the cloud model (cloud-model.ts) against the real offline cloud run at small scale:
 * the synthesized state machine with the real handlers, emulated AWS and the SqsEventSource
 * stand-in (harness/offline-cloud-run.ts), against a demo portal with fixed latencies.
 * Each run's own measurements (per-vehicle slot time, first-wave extra, AWS call latency,
 * setup) are fed to modelCloudRun with the stack's batch size, the run's concurrency and the
 * offline Wait as poll interval; predicted and measured phases are then set side by side.
 *
 * Only type imports and pure modules load statically: the emulators, handlers and CDK load in
 * validateCloudModel, after the env the handlers read at import is set (and never under vitest).
 */

export interface ValidationRunPlan {
  vehicles: number;
  /** CDK context downloaderConcurrency (the stack accepts 2..1000). */
  concurrency: number;
}

export interface ValidationPlan {
  runs: ValidationRunPlan[];
  pageLatencyMs: number;
  pdfLatencyMs: number;
  /** The offline Wait state's duration; the model gets the same poll interval. */
  waitMs: number;
  seed: number;
  /** Run first and not reported, so run 1 (the out-of-sample inputs) does not pay the process's first Chromium start and JIT. */
  warmUp?: ValidationRunPlan;
}

/** A few vehicles, so the process has launched Chromium and warmed up before run 1. */
export const DEFAULT_WARM_UP: Readonly<ValidationRunPlan> = Object.freeze({ vehicles: 4, concurrency: 2 });

/** About a minute on 2 cores at 300 ms / 700 ms: two concurrencies at 40, one at 80. */
export const DEFAULT_VALIDATION_RUNS: readonly ValidationRunPlan[] = Object.freeze([
  { vehicles: 40, concurrency: 2 },
  { vehicles: 40, concurrency: 4 },
  { vehicles: 80, concurrency: 8 },
]);

/** The offline Wait: short enough for small runs, long enough that poll timing shows. */
export const DEFAULT_VALIDATION_WAIT_MS = 2000;

/** The default plan at the bench's portal latencies. */
export function defaultValidationPlan(portal: { pageLatencyMs: number; pdfLatencyMs: number; seed: number }): ValidationPlan {
  return {
    runs: DEFAULT_VALIDATION_RUNS.map((r) => ({ ...r })),
    warmUp: { ...DEFAULT_WARM_UP },
    waitMs: DEFAULT_VALIDATION_WAIT_MS,
    pageLatencyMs: portal.pageLatencyMs,
    pdfLatencyMs: portal.pdfLatencyMs,
    seed: portal.seed,
  };
}

/** "40x2,80x8" -> runs; concurrency 2..1000 as the stack accepts. */
export function parseRuns(text: string): ValidationRunPlan[] {
  return text.split(',').map((item) => {
    const match = /^\s*(\d+)x(\d+)\s*$/.exec(item);
    const vehicles = Number(match?.[1]);
    const concurrency = Number(match?.[2]);
    if (!match || vehicles < 1 || concurrency < 2 || concurrency > 1000) {
      throw new Error(`--validate-runs: "${item}" is not VEHICLESxCONCURRENCY (vehicles >= 1, concurrency 2..1000)`);
    }
    return { vehicles, concurrency };
  });
}

/** Taps on the SqsEventSource's queue client: a received message, a deleted one (ms since epoch). */
export interface QueueEvents {
  received: Array<{ handle: string; at: number; sentAt?: number }>;
  deleted: Array<{ handle: string; at: number }>;
}

export interface SlotStats {
  /** Messages that were received and then deleted (a finished invocation each, batch 1). */
  invocations: number;
  /** Mean receive -> delete of the invocations after the first wave: what one vehicle holds a slot for. */
  warmMeanSecs: number;
  warmP50Secs: number;
  /** The first `concurrency` invocations' mean minus the warm mean (never below 0): the offline "cold start". */
  coldExtraSecs: number;
  /** Mean time from a slot's delete to the next receive: the stand-in poller's turnaround. */
  turnaroundSecs: number;
}

/**
 * Slot times from the queue taps. A message's slot is held from its receive to its delete;
 * slots are interchangeable, so the k-th receive after the first wave reuses the k-th freed slot.
 */
export function slotStats(events: QueueEvents, concurrency: number): SlotStats {
  const receivedAt = new Map<string, number>();
  for (const r of events.received) if (!receivedAt.has(r.handle)) receivedAt.set(r.handle, r.at);
  const slots = events.deleted
    .filter((d) => receivedAt.has(d.handle))
    .map((d) => ({ start: receivedAt.get(d.handle)!, end: d.at }))
    .sort((a, b) => a.start - b.start);
  if (slots.length === 0) throw new Error('no message was received and deleted: nothing to measure');
  const wave = Math.min(concurrency, slots.length);
  const secs = (s: { start: number; end: number }) => (s.end - s.start) / 1000;
  const first = slots.slice(0, wave).map(secs);
  // With every vehicle in the first wave, there is no warm invocation: its own mean stands.
  const warm = slots.length > wave ? slots.slice(wave).map(secs) : first;
  const warmMean = mean(warm);
  const freed = slots.map((s) => s.end).sort((a, b) => a - b);
  const gaps = slots.slice(wave).map((s, k) => (s.start - freed[k]!) / 1000);
  return {
    invocations: slots.length,
    warmMeanSecs: warmMean,
    warmP50Secs: median(warm),
    coldExtraSecs: Math.max(0, mean(first) - warmMean),
    turnaroundSecs: gaps.length ? Math.max(0, mean(gaps)) : 0,
  };
}

/** What one offline run measured (seconds unless named otherwise). */
export interface OfflineMeasurement {
  vehicles: number;
  /** The synthesized template's MaximumConcurrency, which the stand-in honoured. */
  concurrency: number;
  done: number;
  failure?: string;
  wallSecs: number;
  /** Start -> Login's return; -> the last message queued; -> the last vehicle stored; -> the end. */
  phases: { loginSecs: number; enqueueSecs: number; downloadSecs: number; tailSecs: number };
  /** First message received minus last message queued (< 0: downloads began during Enqueue). */
  firstReceiveAfterQueuedSecs: number;
  slots: SlotStats;
  /** p50 of finishedAt - startedAt in the tracking rows (the handler's part of a slot). */
  rowP50Secs: number;
  /** Median of sequential DynamoDB / SQS / S3 calls against the emulators, before the run. */
  awsRequestSecs: number;
  /** Progress states entered. */
  polls: number;
  stateTransitions: number;
  downloaderInvocations: number;
  peakConcurrency: number;
  /** Messages per downloader invocation. */
  batch: number;
  /** Most requests the demo portal served at once (offline all downloaders share one process and its sockets). */
  portalPeakInFlight: number;
}

export interface ValidatedRun {
  measured: OfflineMeasurement;
  /** The model fed with this run's own measurements. */
  input?: CloudRunInput;
  predicted?: CloudRunEstimate;
  /**
   * The model fed with the first run's measurements (out of sample for later runs), the portal
   * capped at this run's measured in-flight peak when that is below the concurrency.
   */
  fromFirst?: CloudRunEstimate;
  /** The same without the cap. */
  fromFirstUncapped?: CloudRunEstimate;
  /** The same input with AWS's event source scaling instead of the stand-in's. */
  awsScaling?: CloudRunEstimate;
}

export interface CloudValidation {
  plan: ValidationPlan;
  /** The stack as deployed by default (batch size, real poll interval). */
  stack: StackSettings;
  runs: ValidatedRun[];
}

/** The stand-in starts every allowed invocation at once (AWS: 5 at first, then 300 more a minute). */
export const standInScaling = (concurrency: number) => ({ initialConcurrency: concurrency, addedPerMinute: Number.POSITIVE_INFINITY });

/**
 * The model's input for an offline run, from measurements: per-vehicle = the warm slot time,
 * cold start = the first wave's extra, AWS call = measured, poll = the Wait override, Progress
 * and Report in-process (no cold start). The portal setup is fitted so the model's setup
 * (2 cold starts + portal + Enqueue's calls) equals the measured Login + Enqueue: setup is an
 * input here, not a prediction.
 */
export function modelInputFor(
  m: Pick<OfflineMeasurement, 'vehicles' | 'concurrency' | 'slots' | 'awsRequestSecs' | 'phases'>,
  stack: StackSettings,
  waitMs: number,
): CloudRunInput {
  const base: CloudRunInput = {
    vehicles: m.vehicles,
    concurrency: m.concurrency,
    durations: {
      perVehicleSecs: m.slots.warmMeanSecs,
      browserColdStartSecs: m.slots.coldExtraSecs,
      nodeColdStartSecs: 0,
      portalSetupSecs: 0,
      awsRequestSecs: m.awsRequestSecs,
    },
    stack: { ...stack, pollIntervalSecs: waitMs / 1000 },
    prices: US_EAST_1_PRICES,
    scaling: standInScaling(m.concurrency),
  };
  const unfitted = modelCloudRun(base).phases.setupSecs;
  const measuredSetup = m.phases.loginSecs + m.phases.enqueueSecs;
  return { ...base, durations: { ...base.durations, portalSetupSecs: Math.max(0, measuredSetup - unfitted) } };
}

/** The same durations for another size and concurrency. */
export function retarget(input: CloudRunInput, vehicles: number, concurrency: number): CloudRunInput {
  return { ...input, vehicles, concurrency, scaling: standInScaling(concurrency) };
}

/** Model each measured run: in-sample, from the first run's inputs, and with AWS scaling. */
export function validateRuns(measured: OfflineMeasurement[], stack: StackSettings, waitMs: number): ValidatedRun[] {
  let first: CloudRunInput | undefined;
  return measured.map((m) => {
    if (m.failure || m.done < m.vehicles) return { measured: m };
    const input = modelInputFor(m, stack, waitMs);
    first ??= input;
    const other = retarget(first, m.vehicles, m.concurrency);
    return {
      measured: m,
      input,
      predicted: modelCloudRun(input),
      fromFirst: modelCloudRun(m.portalPeakInFlight < m.concurrency ? { ...other, portalRateLimit: m.portalPeakInFlight } : other),
      fromFirstUncapped: modelCloudRun(other),
      awsScaling: modelCloudRun({ ...input, scaling: { ...SQS_EVENT_SOURCE_SCALING } }),
    };
  });
}

/** Signed relative error of a prediction, e.g. "+4.2%". */
export function errorPercent(predicted: number, measured: number): string {
  if (!Number.isFinite(predicted) || !Number.isFinite(measured) || measured === 0) return '-';
  const e = ((predicted - measured) / measured) * 100;
  return `${e >= 0 ? '+' : ''}${e.toFixed(1)}%`;
}

export function formatCloudValidation(v: CloudValidation): string {
  const p = v.plan;
  const s = v.stack;
  const header = [
    `cloud model validation: offline cloud runs (synthesized state machine, real handlers, emulated AWS, SqsEventSource stand-in) ` +
      `against the demo portal at ${p.pageLatencyMs} ms/page + ${p.pdfLatencyMs} ms/PDF`,
    `stack (synth): batch ${s.downloader.batchSize}, poll every ${s.pollIntervalSecs} s deployed; offline Wait ${fixed(p.waitMs / 1000, 1)} s, ` +
      `the model's poll interval set to the same; scaling: all containers at once (the stand-in), not AWS's ` +
      `${SQS_EVENT_SOURCE_SCALING.initialConcurrency} + ${SQS_EVENT_SOURCE_SCALING.addedPerMinute}/min`,
  ];

  const inputCols: Column[] = [
    { title: 'vehicles' },
    { title: 'conc' },
    { title: 'done' },
    { title: 'per-vehicle s (slot mean/p50)' },
    { title: 'row p50 s' },
    { title: 'cold extra s' },
    { title: 'turnaround ms' },
    { title: 'login+enqueue s' },
    { title: 'aws call ms' },
    { title: 'peak conc' },
    { title: 'portal peak' },
    { title: 'msgs/inv' },
  ];
  const inputRows = v.runs.map(({ measured: m }) => [
    String(m.vehicles),
    String(m.concurrency),
    m.failure ? `${m.done} (${m.failure})` : String(m.done),
    `${fixed(m.slots.warmMeanSecs, 3)} / ${fixed(m.slots.warmP50Secs, 3)}`,
    fixed(m.rowP50Secs, 3),
    fixed(m.slots.coldExtraSecs, 3),
    fixed(m.slots.turnaroundSecs * 1000, 0),
    `${fixed(m.phases.loginSecs, 2)} + ${fixed(m.phases.enqueueSecs, 2)}`,
    fixed(m.awsRequestSecs * 1000, 1),
    String(m.peakConcurrency),
    String(m.portalPeakInFlight),
    fixed(m.batch, 2),
  ]);

  const cols: Column[] = [
    { title: 'vehicles' },
    { title: 'conc' },
    { title: 'wall meas s' },
    { title: 'wall pred s' },
    { title: 'pred/meas' },
    { title: 'wall err' },
    { title: 'downloads meas s' },
    { title: 'downloads pred s' },
    { title: 'dl err' },
    { title: 'notice+report meas/pred s' },
    { title: 'polls meas/pred' },
    { title: 'transitions meas/pred' },
    { title: 'downloads pred, run-1 inputs (cap)' },
    { title: 'err' },
  ];
  const rows = v.runs.map(({ measured: m, predicted: e, fromFirst: f }, i) => {
    if (!e || !f) return [String(m.vehicles), String(m.concurrency), fixed(m.wallSecs, 1), 'not modelled: the run did not finish'];
    return [
      String(m.vehicles),
      String(m.concurrency),
      fixed(m.wallSecs, 2),
      fixed(e.wallSecs, 2),
      fixed(e.wallSecs / m.wallSecs, 3),
      errorPercent(e.wallSecs, m.wallSecs),
      fixed(m.phases.downloadSecs, 2),
      fixed(e.phases.downloadSecs, 2),
      errorPercent(e.phases.downloadSecs, m.phases.downloadSecs),
      `${fixed(m.phases.tailSecs, 2)} / ${fixed(e.phases.noticeSecs + e.phases.reportSecs, 2)}`,
      `${m.polls} / ${e.polls}`,
      `${m.stateTransitions} / ${e.usage.stateTransitions}`,
      i === 0 ? '(its inputs)' : `${fixed(f.phases.downloadSecs, 2)}${f.cappedByPortal ? ` (${f.effectiveConcurrency})` : ''}`,
      i === 0 ? '-' : errorPercent(f.phases.downloadSecs, m.phases.downloadSecs),
    ];
  });

  return [
    ...header,
    'measured inputs (fed to the model; setup fitted: the model\'s Login + Enqueue equal the measured ones):',
    asciiTable(inputCols, inputRows),
    'predicted vs measured:',
    asciiTable(cols, rows),
    ...notes(v),
  ].join('\n');
}

/** Findings computed from the runs (no fixed figures). */
function notes(v: CloudValidation): string[] {
  const done = v.runs.filter((r): r is Required<ValidatedRun> => r.predicted !== undefined);
  if (done.length === 0) return ['! no run finished: nothing to compare'];
  const out: string[] = [];
  for (const r of done) {
    const m = r.measured;
    const short = m.phases.downloadSecs - r.predicted.phases.downloadSecs;
    const turns = Math.max(0, Math.ceil(m.vehicles / m.concurrency) - 1) * m.slots.turnaroundSecs;
    out.push(
      `- downloads ${m.vehicles}x${m.concurrency}: measured ${short >= 0 ? 'longer' : 'shorter'} than predicted by ${Math.abs(short).toFixed(2)} s; ` +
        `the stand-in poller's turnaround between a slot's delete and its next receive (${(m.slots.turnaroundSecs * 1000).toFixed(0)} ms, ` +
        `not in the model) times ${Math.max(0, Math.ceil(m.vehicles / m.concurrency) - 1)} reuses per slot accounts for ${turns.toFixed(2)} s.`,
    );
  }
  const extraPolls = done.filter((r) => r.measured.polls !== r.predicted.polls);
  const tailDiff = Math.max(...done.map((r) => Math.abs(r.predicted.phases.noticeSecs + r.predicted.phases.reportSecs - r.measured.phases.tailSecs)));
  out.push(
    `- polls: measured = predicted in ${done.length - extraPolls.length} of ${done.length} runs; notice + report differ by at most ${tailDiff.toFixed(2)} s ` +
      `(where the end falls in a poll cycle; an offline cycle is Wait plus Progress and its transitions, the model's is Wait only).`,
  );
  const poll = v.plan.waitMs / 1000;
  for (const r of extraPolls) {
    const m = r.measured;
    const slack = r.predicted.polls * poll - r.predicted.phases.downloadSecs;
    out.push(
      `- ${m.vehicles}x${m.concurrency}: the model's downloads end ${slack.toFixed(2)} s before its poll ${r.predicted.polls}; the measured ones ` +
        `${(m.phases.downloadSecs - r.predicted.phases.downloadSecs).toFixed(2)} s later, so ${m.polls} polls: a small downloads error ` +
        `near a poll boundary moves the wall time by a whole Wait (${poll.toFixed(1)} s here, ${v.stack.pollIntervalSecs} s deployed).`,
    );
  }
  for (const r of done.slice(1)) {
    const m = r.measured;
    if (!r.fromFirst.cappedByPortal) continue;
    out.push(
      `- ${m.vehicles}x${m.concurrency}: the portal saw at most ${m.portalPeakInFlight} requests at once (offline the downloaders share one ` +
        `process and its direct-path sockets), so a vehicle's slot holds its wait for a socket: ${m.slots.warmMeanSecs.toFixed(3)} s here. ` +
        `From run 1's inputs at ${m.concurrency} the model's downloads take ${r.fromFirstUncapped.phases.downloadSecs.toFixed(2)} s ` +
        `(${errorPercent(r.fromFirstUncapped.phases.downloadSecs, m.phases.downloadSecs)}); with its portal limit set to the measured ${m.portalPeakInFlight}, ` +
        `${r.fromFirst.phases.downloadSecs.toFixed(2)} s (${errorPercent(r.fromFirst.phases.downloadSecs, m.phases.downloadSecs)}).`,
    );
  }
  const scaleDiff = Math.max(...done.map((r) => Math.abs(r.awsScaling.wallSecs - r.predicted.wallSecs)));
  out.push(
    `- scaling: with AWS's ${SQS_EVENT_SOURCE_SCALING.initialConcurrency} + ${SQS_EVENT_SOURCE_SCALING.addedPerMinute}/min instead of all at once ` +
      `the predictions move by at most ${scaleDiff.toFixed(2)} s here: this scale cannot test the model's AWS scaling.`,
  );
  const cold = done.map((r) => r.measured.slots.coldExtraSecs);
  out.push(
    `- cold start: offline every handler shares one process and the browser Login launched, so a "new" downloader costs only ` +
      `${Math.min(...cold).toFixed(3)}..${Math.max(...cold).toFixed(3)} s extra (connections, lazy clients), not a Chromium start: ` +
      `the model's per-container cold start is exercised with near-zero values only.`,
  );
  out.push(
    `- not validated offline: the bill (no AWS usage to compare; the model's invocations and transitions are checked above), ` +
      `Lambda's own INIT, real AWS call latency (the emulator's is fed), and the browser path (the demo profile downloads over HTTP).`,
  );
  return out;
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

// ---- the offline runs (I/O) ----

type Log = (line: string) => void;

/** Run the plan offline, then model each run. Starts and stops its own emulators. */
export async function validateCloudModel(plan: ValidationPlan, log: Log): Promise<CloudValidation> {
  // The handlers' Powertools logger and metrics read these when first imported (below).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const { readStackSettings } = await import('./stack-settings.js');
  const { measureOfflineRun } = await import('./cloud-validate-run.js');
  log('cloud validate: reading the stack settings (synth without bundling) ...');
  const stack = await readStackSettings();
  const { startAwsEmulators } = await import('../../harness/emulators/aws-emulators.js');
  const { applyEmulatorEnv } = await import('../../harness/emulators/cloud-resources.js');
  log('cloud validate: starting the AWS emulators ...');
  const emulators = await startAwsEmulators();
  const measured: OfflineMeasurement[] = [];
  try {
    applyEmulatorEnv(emulators.endpoints);
    if (plan.warmUp) {
      log(`cloud validate: warm-up run, ${plan.warmUp.vehicles} vehicles at ${plan.warmUp.concurrency} (not reported) ...`);
      await measureOfflineRun(plan.warmUp, plan);
    }
    for (const run of plan.runs) {
      log(`cloud validate: offline cloud run, ${run.vehicles} vehicles at downloader concurrency ${run.concurrency} ...`);
      const m = await measureOfflineRun(run, plan);
      log(
        `cloud validate: ${m.done}/${m.vehicles} DONE in ${m.wallSecs.toFixed(1)} s` +
          `${m.failure ? ` (${m.failure})` : ''}, ${m.polls} polls, peak ${m.peakConcurrency} at once`,
      );
      measured.push(m);
    }
  } finally {
    await emulators.close();
  }
  return { plan, stack, runs: validateRuns(measured, stack, plan.waitMs) };
}
