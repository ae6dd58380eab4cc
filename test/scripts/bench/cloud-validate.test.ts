import { describe, expect, it } from 'vitest';
import { DEPLOYED_STACK } from './stack-settings-fixture.js';
import type { StackSettings } from '../../../scripts/bench/cloud-model.js';
import {
  errorPercent,
  formatCloudValidation,
  modelInputFor,
  defaultValidationPlan,
  DEFAULT_VALIDATION_RUNS,
  parseRuns,
  slotStats,
  standInScaling,
  validateRuns,
  type OfflineMeasurement,
  type QueueEvents,
} from '../../../scripts/bench/cloud-validate.js';
import { modelCloudRun } from '../../../scripts/bench/cloud-model.js';

const stack: StackSettings = DEPLOYED_STACK;

/** Two slots; the first wave (m1, m2) takes 1.2 s, later ones 1.0 s, each 30 ms after a slot frees. */
const events: QueueEvents = {
  received: [
    { handle: 'm1', at: 0, sentAt: -5 },
    { handle: 'm2', at: 0, sentAt: -5 },
    { handle: 'm3', at: 1230 },
    { handle: 'm4', at: 1230 },
    // A redelivery of m1's handle counts from its first receive.
    { handle: 'm1', at: 5000 },
  ],
  deleted: [
    { handle: 'm1', at: 1200 },
    { handle: 'm2', at: 1200 },
    { handle: 'm3', at: 2230 },
    { handle: 'm4', at: 2230 },
    { handle: 'never-received', at: 3000 },
  ],
};

const measured = (over: Partial<OfflineMeasurement> = {}): OfflineMeasurement => ({
  vehicles: 40,
  concurrency: 2,
  done: 40,
  wallSecs: 30,
  phases: { loginSecs: 3, enqueueSecs: 1.5, downloadSecs: 21, tailSecs: 4.5 },
  firstReceiveAfterQueuedSecs: -0.1,
  slots: { invocations: 40, warmMeanSecs: 1, warmP50Secs: 1, coldExtraSecs: 0.2, turnaroundSecs: 0.03 },
  rowP50Secs: 0.9,
  awsRequestSecs: 0.003,
  polls: 11,
  stateTransitions: 38,
  downloaderInvocations: 40,
  peakConcurrency: 2,
  batch: 1,
  portalPeakInFlight: 2,
  ...over,
});

describe('slotStats', () => {
  it('splits the first wave from warm slots and pairs each later receive with a freed slot', () => {
    const s = slotStats(events, 2);
    expect(s.invocations).toBe(4);
    expect(s.warmMeanSecs).toBeCloseTo(1.0, 9);
    expect(s.warmP50Secs).toBeCloseTo(1.0, 9);
    expect(s.coldExtraSecs).toBeCloseTo(0.2, 9);
    expect(s.turnaroundSecs).toBeCloseTo(0.03, 9);
  });

  it('uses the first wave itself when every vehicle was in it, and refuses an empty run', () => {
    const s = slotStats(events, 8);
    expect(s.warmMeanSecs).toBeCloseTo(1.1, 9);
    expect(s.coldExtraSecs).toBe(0);
    expect(s.turnaroundSecs).toBe(0);
    expect(() => slotStats({ received: [], deleted: [] }, 2)).toThrow(/nothing to measure/);
  });
});

describe('modelInputFor', () => {
  it('feeds the measured durations, the Wait as poll interval and the stand-in scaling', () => {
    const input = modelInputFor(measured(), stack, 2000);
    expect(input.durations).toMatchObject({ perVehicleSecs: 1, browserColdStartSecs: 0.2, nodeColdStartSecs: 0, awsRequestSecs: 0.003 });
    expect(input.stack.pollIntervalSecs).toBe(2);
    expect(input.stack.downloader.batchSize).toBe(1);
    expect(input.scaling).toEqual(standInScaling(2));
  });

  it('fits the portal setup so the modelled Login + Enqueue equal the measured ones', () => {
    const e = modelCloudRun(modelInputFor(measured(), stack, 2000));
    expect(e.phases.setupSecs).toBeCloseTo(4.5, 9);
    // 20 slots of 1 s after a 0.2 s cold start; the poll after 20.2 s is the 11th (22 s).
    expect(e.phases.downloadSecs).toBeCloseTo(20.2, 9);
    expect(e.polls).toBe(11);
  });
});

describe('validateRuns', () => {
  it('models finished runs in-sample and from the first run, and leaves an unfinished run unmodelled', () => {
    const runs = validateRuns(
      [measured(), measured({ vehicles: 80, done: 80, concurrency: 8, portalPeakInFlight: 8, slots: { ...measured().slots, warmMeanSecs: 2 } }), measured({ done: 10, failure: 'Paused' })],
      stack,
      2000,
    );
    expect(runs[0]!.fromFirst!.wallSecs).toBeCloseTo(runs[0]!.predicted!.wallSecs, 9);
    // Run 2 from run 1's 1 s per vehicle: 10 slots of 1 s, not its own 2 s.
    expect(runs[1]!.fromFirst!.phases.downloadSecs).toBeCloseTo(10.2, 9);
    expect(runs[1]!.predicted!.phases.downloadSecs).toBeCloseTo(20.2, 9);
    expect(runs[2]!.predicted).toBeUndefined();
  });

  it('caps the out-of-sample prediction at the portal peak measured when the run could not use its concurrency', () => {
    const runs = validateRuns([measured(), measured({ vehicles: 80, done: 80, concurrency: 8, portalPeakInFlight: 4 })], stack, 2000);
    const run = runs[1];
    expect(run!.fromFirst!.effectiveConcurrency).toBe(4);
    expect(run!.fromFirst!.phases.downloadSecs).toBeCloseTo(20.2, 9);
    expect(run!.fromFirstUncapped!.phases.downloadSecs).toBeCloseTo(10.2, 9);
    // In-sample keeps the run's own concurrency: its slot time already holds the wait.
    expect(run!.predicted!.effectiveConcurrency).toBe(8);
    const plan = { runs: [], pageLatencyMs: 300, pdfLatencyMs: 700, waitMs: 2000, seed: 1 };
    const text = formatCloudValidation({ plan, stack, runs });
    expect(text).toMatch(/80x8: the portal saw at most 4 requests at once/);
    expect(text).toContain('(4) |');
  });
});

describe('formatting', () => {
  it('signs the relative error', () => {
    expect(errorPercent(11, 10)).toBe('+10.0%');
    expect(errorPercent(9.5, 10)).toBe('-5.0%');
    expect(errorPercent(1, 0)).toBe('-');
  });

  it('prints measured and predicted side by side, with the findings', () => {
    const text = formatCloudValidation({
      plan: { runs: [{ vehicles: 40, concurrency: 2 }], pageLatencyMs: 300, pdfLatencyMs: 700, waitMs: 2000, seed: 1 },
      stack,
      runs: validateRuns([measured()], stack, 2000),
    });
    const row = text.split('\n').find((l) => l.startsWith('|       40 |    2 |       30.00 |'));
    expect(row).toBeDefined();
    expect(row).toContain('21.00');
    expect(text).toContain('offline Wait 2.0 s');
    expect(text).toMatch(/downloads 40x2: measured longer than predicted by 0\.80 s/);
    expect(text).toContain('3.00 + 1.50');
  });
});

describe('poll boundary', () => {
  it('says when the measured end missed the poll the model expected', () => {
    const plan = { runs: [], pageLatencyMs: 300, pdfLatencyMs: 700, waitMs: 2000, seed: 1 };
    const text = formatCloudValidation({ plan, stack, runs: validateRuns([measured({ polls: 12 })], stack, 2000) });
    expect(text).toContain('measured = predicted in 0 of 1 runs');
    expect(text).toMatch(/40x2: the model's downloads end 1\.80 s before its poll 11; the measured ones 0\.80 s later, so 12 polls/);
  });
});

describe('parseRuns', () => {
  it('reads VEHICLESxCONCURRENCY lists and rejects what the stack would', () => {
    expect(parseRuns('40x2, 80x8')).toEqual([
      { vehicles: 40, concurrency: 2 },
      { vehicles: 80, concurrency: 8 },
    ]);
    expect(() => parseRuns('40x1')).toThrow(/concurrency 2\.\.1000/);
    expect(() => parseRuns('forty')).toThrow(/VEHICLESxCONCURRENCY/);
  });

  it('builds the default plan at the bench portal latencies, within the stack\'s concurrency range', () => {
    const plan = defaultValidationPlan({ pageLatencyMs: 300, pdfLatencyMs: 700, seed: 3 });
    expect(plan).toMatchObject({ pageLatencyMs: 300, pdfLatencyMs: 700, seed: 3 });
    expect(plan.runs).toEqual(DEFAULT_VALIDATION_RUNS);
    expect(plan.runs).not.toBe(DEFAULT_VALIDATION_RUNS);
    expect([...plan.runs, plan.warmUp!].every((r) => r.concurrency >= 2)).toBe(true);
  });
});
