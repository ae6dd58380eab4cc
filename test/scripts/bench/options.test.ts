import { describe, expect, it } from 'vitest';
import { benchProgram, parseBenchOptions } from '../../../scripts/bench/options.js';

const parse = (...args: string[]) => parseBenchOptions(benchProgram().exitOverride().parse(['node', 'bench', ...args]).opts());

describe('bench options', () => {
  it('defaults to the full local bench: 1..32 workers, both paths, 300/700 ms, private binaries', () => {
    const o = parse();
    expect(o.mode).toBe('local');
    expect(o.workers).toEqual([1, 2, 4, 8, 16, 32]);
    expect(o.workersGiven).toBe(false);
    expect(o.fetch).toEqual(['browser', 'direct']);
    expect([o.pageLatencyMs, o.pdfLatencyMs]).toEqual([300, 700]);
    expect(o.vehicles).toBeUndefined();
    expect(o.privateBinaries).toBe(true);
    expect(o.cloudVehicles).toEqual([2000, 20_000]);
    expect(o.concurrency).toEqual([10, 50, 100, 200]);
  });

  it('reads lists, keeps their order and drops repeats', () => {
    const o = parse('--workers', '8, 1,8', '--fetch', 'direct', '--vehicles', '40', '--portal-rate-limit', '6');
    expect(o.workers).toEqual([8, 1]);
    expect(o.workersGiven).toBe(true);
    expect(o.fetch).toEqual(['direct']);
    expect(o.vehicles).toBe(40);
    expect(o.portalRateLimit).toBe(6);
  });

  it('picks the mode', () => {
    expect(parse('--cloud-model', '--per-vehicle-secs', '60').mode).toBe('cloud-model');
    expect(parse('--browser-variants', '--only', 'gpu,zygote').only).toEqual(['gpu', 'zygote']);
    expect(parse('--micro')).toMatchObject({ mode: 'micro', repeat: 3 });
    expect(parse('--micro', '--repeat', '1').repeat).toBe(1);
  });

  it('says which option is wrong, in one line', () => {
    expect(() => parse('--workers', '0')).toThrow('--workers must be at least 1');
    expect(() => parse('--workers', '2,x')).toThrow('--workers must be a number');
    expect(() => parse('--fetch', 'auto')).toThrow(/--fetch takes browser, direct/);
    expect(() => parse('--per-vehicle-secs', '0')).toThrow('--per-vehicle-secs must be more than 0');
    expect(() => parse('--cloud-model', '--browser-variants')).toThrow(/pick one/);
    expect(() => parse('--micro', '--cloud-model')).toThrow(/pick one/);
  });
});
