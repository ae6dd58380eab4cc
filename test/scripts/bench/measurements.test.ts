import { describe, expect, it } from 'vitest';
import {
  idealVehiclesPerHour,
  medianOfRuns,
  observedPath,
  summarize,
  vehicleLatencySecs,
  type SettingMeasurement,
} from '../../../scripts/bench/measurements.js';

const portal = { pageLatencyMs: 300, pdfLatencyMs: 700 };

function setting(over: Partial<SettingMeasurement>): SettingMeasurement {
  return {
    path: 'browser',
    workers: 1,
    vehicles: 100,
    done: 100,
    failed: 0,
    downloadSeconds: 100,
    wallSeconds: 110,
    setupSeconds: 5,
    report: { p50Seconds: 1, p95Seconds: 1.2, throughputPerHour: 3000, retries: 0, peakRssMb: 400 },
    peakRssMb: 400,
    peakNodeMb: 200,
    peakChromiumMb: 200,
    peakPrivateMb: 300,
    renderers: 1,
    cpu: { nodeSeconds: 11, chromiumSeconds: 11, samplerSeconds: 0 },
    requestsPerVehicle: { pages: 1, pdfs: 1 },
    ...over,
  };
}

describe('the ideal', () => {
  it('is what the portal makes one vehicle wait on each path', () => {
    expect(vehicleLatencySecs('browser', portal)).toBe(1);
    expect(vehicleLatencySecs('direct', portal)).toBe(0.7);
  });

  it('is workers over the per-vehicle latency, capped by the rate limit', () => {
    expect(idealVehiclesPerHour('browser', 8, portal)).toBe(8 * 3600);
    expect(idealVehiclesPerHour('browser', 8, { ...portal, rateLimit: 3 })).toBe(3 * 3600);
    expect(idealVehiclesPerHour('direct', 1, portal)).toBeCloseTo(3600 / 0.7, 9);
  });

  it('is unbounded (undefined) when the portal adds no latency', () => {
    expect(idealVehiclesPerHour('browser', 8, { pageLatencyMs: 0, pdfLatencyMs: 0 })).toBeUndefined();
  });
});

describe('summarize', () => {
  it('derives speedup, efficiency, memory per added worker and cores used per path', () => {
    const rows = summarize(
      [
        setting({}),
        setting({ workers: 8, downloadSeconds: 20, peakRssMb: 540 }),
        setting({ path: 'direct', downloadSeconds: 70 }),
      ],
      portal,
    );
    const [one, eight, direct] = rows;
    expect(one!.vehiclesPerHour).toBe(3600);
    expect(one!.speedup).toBe(1);
    expect(one!.efficiency).toBe(1);
    expect(one!.rssPerAddedWorkerMb).toBeUndefined();
    expect(one!.coresUsed).toBeCloseTo(0.2, 9);
    expect(eight!.speedup).toBe(5);
    expect(eight!.efficiency).toBeCloseTo(5 / 8, 9);
    expect(eight!.rssPerAddedWorkerMb).toBe(20);
    // Each path is compared with its own 1-worker setting.
    expect(direct!.speedup).toBe(1);
    expect(direct!.efficiency).toBeCloseTo(1, 9);
  });

  it('leaves speedup out when the path has no 1-worker setting', () => {
    expect(summarize([setting({ workers: 4 })], portal)[0]!.speedup).toBeUndefined();
  });
});

describe('observedPath', () => {
  it("reads the path from report.json's counts", () => {
    expect(observedPath(10, 0)).toBe('direct');
    expect(observedPath(0, 10)).toBe('browser');
    expect(observedPath(3, 7)).toBe('mixed');
    expect(observedPath(undefined, 10)).toBeUndefined();
  });
});

describe('medianOfRuns', () => {
  it('is the one run when there is one', () => {
    const one = setting({});
    expect(medianOfRuns([one])).toBe(one);
  });

  it('takes each figure\'s median, the fewest stored, and the spread of download time and peak memory', () => {
    const runs = [
      setting({ workers: 8, downloadSeconds: 14, peakRssMb: 520, done: 100 }),
      setting({ workers: 8, downloadSeconds: 12, peakRssMb: 610, done: 99 }),
      setting({ workers: 8, downloadSeconds: 13, peakRssMb: 560, done: 100 }),
    ];
    const m = medianOfRuns(runs);
    expect(m.downloadSeconds).toBe(13);
    expect(m.peakRssMb).toBe(560);
    expect(m.done).toBe(99);
    expect(m.runs).toBe(3);
    expect(m.spread).toEqual({ downloadSeconds: [12, 14], peakRssMb: [520, 610] });
  });

  it('gives summarize an efficiency range from the slowest and the fastest run', () => {
    const m = medianOfRuns([
      setting({ workers: 8, downloadSeconds: 100 / 6.8 }),
      setting({ workers: 8, downloadSeconds: 100 / 7.2 }),
    ]);
    const [row] = summarize([m], portal);
    expect(row!.efficiencyRange![0]).toBeCloseTo(6.8 / 8, 9);
    expect(row!.efficiencyRange![1]).toBeCloseTo(7.2 / 8, 9);
    // Two runs: the median download time is their mean.
    expect(row!.efficiency).toBeCloseTo(100 / ((100 / 6.8 + 100 / 7.2) / 2) / 8, 9);
  });
});
