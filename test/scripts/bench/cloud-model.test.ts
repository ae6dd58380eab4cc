import { describe, expect, it } from 'vitest';
import { DEPLOYED_STACK } from './stack-settings-fixture.js';
import {
  CALLS_PER_VEHICLE,
  modelCloudRun,
  simulateDownloads,
  TRANSITIONS,
  type CloudRunInput,
  type StackSettings,
} from '../../../scripts/bench/cloud-model.js';
import { US_EAST_1_PRICES, type Prices } from '../../../scripts/bench/cloud-prices.js';
import { waitSeconds } from '../../../scripts/bench/stack-settings.js';

const stack: StackSettings = DEPLOYED_STACK;

const input = (over: Partial<CloudRunInput> = {}): CloudRunInput => ({
  vehicles: 2000,
  concurrency: 200,
  durations: { perVehicleSecs: 60, browserColdStartSecs: 5, nodeColdStartSecs: 1, portalSetupSecs: 10, awsRequestSecs: 0.01 },
  stack,
  prices: US_EAST_1_PRICES,
  ...over,
});

describe('simulateDownloads', () => {
  const base = { batchSize: 1, coldStartSecs: 0, initialConcurrency: 5, addedPerMinute: 300 };

  it('runs one container sequentially, paying its cold start once', () => {
    expect(simulateDownloads({ ...base, vehicles: 10, perVehicleSecs: 2, coldStartSecs: 1, concurrency: 1 })).toEqual({ endSecs: 21, containers: 1 });
  });

  it('spreads the vehicles over the containers the event source starts at once', () => {
    expect(simulateDownloads({ ...base, vehicles: 10, perVehicleSecs: 2, concurrency: 5 })).toEqual({ endSecs: 4, containers: 5 });
  });

  it('adds containers at the scaling rate: the sixth starts 0.2 s in at 300 a minute', () => {
    // 6 vehicles of 10 s: five start at 0, the sixth container at 0.2 s.
    expect(simulateDownloads({ ...base, vehicles: 6, perVehicleSecs: 10, concurrency: 6 }).endSecs).toBeCloseTo(10.2, 6);
  });

  it('starts no more containers than there are batches', () => {
    expect(simulateDownloads({ ...base, vehicles: 3, perVehicleSecs: 1, concurrency: 100 }).containers).toBe(3);
    expect(simulateDownloads({ ...base, batchSize: 10, vehicles: 25, perVehicleSecs: 1, concurrency: 100 })).toEqual({ endSecs: 10, containers: 3 });
  });

  it('never beats perfect parallelism', () => {
    const sim = simulateDownloads({ ...base, vehicles: 2000, perVehicleSecs: 60, coldStartSecs: 5, concurrency: 200 });
    expect(sim.endSecs).toBeGreaterThanOrEqual((2000 * 60) / 200 + 5);
    expect(sim.containers).toBe(200);
  });
});

describe('modelCloudRun', () => {
  it("meets the seeds' case: 2,000 vehicles at 60 s with 200 downloaders in 12 minutes, within 1.2x of the ideal", () => {
    const run = modelCloudRun(input());
    expect(run.idealSecs).toBe(600);
    expect(run.idealWithColdStartSecs).toBe(605);
    expect(run.wallSecs / 60).toBeLessThanOrEqual(12);
    expect(run.ratio).toBeLessThanOrEqual(1.2);
    expect(run.ratio).toBeGreaterThan(1);
    expect(run.coldStarts).toBe(200);
  });

  it('adds up its phases to the wall time, and a poll interval at most to notice the end', () => {
    const run = modelCloudRun(input({ vehicles: 500, concurrency: 50 }));
    const p = run.phases;
    expect(p.setupSecs + p.downloadSecs + p.noticeSecs + p.reportSecs).toBeCloseTo(run.wallSecs, 9);
    expect(p.noticeSecs).toBeGreaterThanOrEqual(0);
    expect(p.noticeSecs).toBeLessThanOrEqual(stack.pollIntervalSecs + 2);
    expect(run.polls).toBe(Math.ceil(p.downloadSecs / stack.pollIntervalSecs));
  });

  it('caps the concurrency at the portal rate limit', () => {
    const capped = modelCloudRun(input({ portalRateLimit: 50 }));
    expect(capped.effectiveConcurrency).toBe(50);
    expect(capped.cappedByPortal).toBe(true);
    expect(capped.idealSecs).toBe((2000 * 60) / 50);
    expect(modelCloudRun(input({ concurrency: 10, portalRateLimit: 50 })).cappedByPortal).toBe(false);
  });

  it('counts usage and prices it', () => {
    const ones: Prices = {
      lambdaGbSecond: 1,
      lambdaPerMillionRequests: 1e6,
      lambdaEphemeralGbSecond: 0,
      sqsPerMillionRequests: 1e6,
      s3PutPerThousand: 1000,
      s3GetPerThousand: 1000,
      dynamoWritePerMillion: 1e6,
      dynamoReadPerMillion: 0,
      stepFunctionsPerThousandTransitions: 1000,
    };
    const run = modelCloudRun(input({ vehicles: 100, concurrency: 10, prices: ones }));
    // One invocation per vehicle (batch size 1), plus Login, Enqueue, each poll and Report.
    expect(run.usage.lambdaInvocations).toBe(100 + 3 + run.polls);
    expect(run.cost.lambdaRequests).toBe(run.usage.lambdaInvocations);
    // Send 10 a batch, receive and delete each, two depth reads per poll.
    expect(run.usage.sqsRequests).toBe(10 + 200 + 2 * run.polls);
    expect(run.cost.sqs).toBe(run.usage.sqsRequests);
    expect(run.usage.dynamoWriteUnits).toBe(100 * CALLS_PER_VEHICLE.dynamoWrites);
    expect(run.usage.stateTransitions).toBe(TRANSITIONS.setup + TRANSITIONS.perPoll * run.polls + TRANSITIONS.finish);
    // Downloader GB-s: 2 GB x (100 x 60 s + 10 cold starts x 5 s) is most of it.
    expect(run.usage.lambdaGbSeconds).toBeGreaterThan(2 * (100 * 60 + 10 * 5));
    expect(run.cost.lambdaCompute).toBeCloseTo(run.usage.lambdaGbSeconds, 9);
    const { total, ...parts } = run.cost;
    expect(total).toBeCloseTo(Object.values(parts).reduce((a, b) => a + b, 0), 9);
  });

  it('costs about the same whatever the concurrency, and less wall time with more', () => {
    const slow = modelCloudRun(input({ concurrency: 10 }));
    const fast = modelCloudRun(input({ concurrency: 200 }));
    expect(fast.wallSecs).toBeLessThan(slow.wallSecs / 10);
    // More containers pay more cold starts; the vehicles' own time is the same.
    expect(fast.cost.total).toBeGreaterThan(slow.cost.total * 0.95);
    expect(fast.cost.total).toBeLessThan(slow.cost.total * 1.2);
  });

  it('warns when a batch cannot fit the downloader timeout', () => {
    expect(modelCloudRun(input({ durations: { ...input().durations, perVehicleSecs: 200 } })).warnings[0]).toMatch(/timeout of 120 s/);
    expect(modelCloudRun(input()).warnings).toEqual([]);
  });

  it('refuses nonsense sizes', () => {
    expect(() => modelCloudRun(input({ vehicles: 0 }))).toThrow(/vehicles/);
    expect(() => modelCloudRun(input({ concurrency: 1.5 }))).toThrow(/concurrency/);
  });
});

describe('waitSeconds', () => {
  it('finds the Wait state in a definition joined around function ARNs', () => {
    const definition = {
      'Fn::Join': ['', ['{"StartAt":"Login","States":{"Login":{"Resource":"', { 'Fn::GetAtt': ['Fn', 'Arn'] }, '","Next":"Wait"},"Wait":{"Type":"Wait","Seconds":30,"Next":"Progress"}}}']],
    };
    expect(waitSeconds(definition, 'Wait')).toBe(30);
    expect(() => waitSeconds(definition, 'Cooldown')).toThrow(/no state Cooldown/);
  });
});
