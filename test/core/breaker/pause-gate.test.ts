import { describe, expect, it } from 'vitest';
import { MemoryBreakerStore } from '../../../lib/adapters/memory/index.js';
import { CircuitBreaker, PauseGate } from '../../../lib/core/breaker/index.js';
import { LoginRejectedError, TransientError } from '../../../lib/core/errors.js';
import { manualClock } from '../../helpers/factories.js';

const http503 = () => new TransientError('HTTP 503 on vehicle page', 'http_503');

function setup(options: { minSamples?: number; pauseMs?: number; maxPauseMs?: number; maxPauses?: number } = {}) {
  const clock = manualClock();
  const breaker = new CircuitBreaker({ store: new MemoryBreakerStore({ now: clock.now }), runId: 'r', minSamples: options.minSamples ?? 2, errorRatio: 0.6, now: clock.now });
  const gate = new PauseGate({ breaker, pauseMs: options.pauseMs ?? 1000, maxPauseMs: options.maxPauseMs ?? 8000, maxPauses: options.maxPauses ?? 5, now: clock.now });
  /** One lane's outcome, the way runJob counts it. */
  const outcome = async (admission: 'go' | 'probe', signal: 'success' | 'failure' | 'none', error = http503()) =>
    gate.settle(admission, signal, await breaker.observe(signal, signal === 'failure' ? error : undefined), signal === 'failure' ? error : undefined);
  return { clock, breaker, gate, outcome };
}

describe('PauseGate: the local run waits out an open breaker and probes', () => {
  it('lets every lane go while closed; waits the pause once open; then one probe at a time', async () => {
    const { clock, gate, outcome } = setup();
    expect(await gate.admit()).toBe('go');
    await outcome('go', 'failure');
    const line = await outcome('go', 'failure');
    expect(line).toMatch(/^circuit breaker open \(http_503: HTTP 503 on vehicle page \(2 of the last 2 vehicles failed\)\): pausing 1 s$/);
    expect(gate.opens).toBe(1);
    expect(await gate.admit()).toBe('wait');
    clock.advance(999);
    expect(await gate.admit()).toBe('wait');
    clock.advance(1);
    expect(await gate.admit()).toBe('probe');
    expect(await gate.admit()).toBe('wait');
    expect(await outcome('probe', 'success')).toBe('circuit breaker closed: the portal answers again');
    expect(await gate.admit()).toBe('go');
  });

  it('doubles the pause on each failed probe, up to the cap, and is exhausted after maxPauses in a row', async () => {
    const { clock, gate, outcome } = setup({ minSamples: 1, pauseMs: 1000, maxPauseMs: 3000, maxPauses: 3 });
    await outcome('go', 'failure');
    expect(gate.pauseMs).toBe(1000);
    clock.advance(1000);
    expect(await gate.admit()).toBe('probe');
    expect(await outcome('probe', 'failure')).toMatch(/pausing 2 s$/);
    expect(gate.exhausted).toBe(false);
    clock.advance(1999);
    expect(await gate.admit()).toBe('wait');
    clock.advance(1);
    expect(await gate.admit()).toBe('probe');
    expect(await outcome('probe', 'failure')).toMatch(/pausing 3 s$/);
    expect(gate.pauseMs).toBe(3000);
    expect(gate.exhausted).toBe(true);
    expect(gate.opens).toBe(3);
  });

  it('gives the probe slot back when the probe says nothing about the portal (a throttle), or nothing was leased', async () => {
    const { clock, gate, outcome } = setup({ minSamples: 1 });
    await outcome('go', 'failure');
    clock.advance(1000);
    expect(await gate.admit()).toBe('probe');
    expect(await outcome('probe', 'none')).toBeUndefined();
    expect(await gate.admit()).toBe('probe');
    gate.cancelProbe();
    expect(await gate.admit()).toBe('probe');
  });

  it('closes on a success from a lane that was already on its way when the breaker opened', async () => {
    const { gate, outcome } = setup();
    await outcome('go', 'failure');
    await outcome('go', 'failure');
    expect(await gate.admit()).toBe('wait');
    expect(await outcome('go', 'success')).toBe('circuit breaker closed: the portal answers again');
    expect(await gate.admit()).toBe('go');
  });

  it('is exhausted at once by a critical trip (the credentials stopped working)', async () => {
    const { breaker } = setup();
    const critical = new PauseGate({ breaker, pauseMs: 1000, maxPauseMs: 1000, maxPauses: 5 });
    const line = await critical.settle('go', 'critical', await breaker.observe('critical', new LoginRejectedError()), new LoginRejectedError());
    expect(line).toMatch(/^circuit breaker open \(login_rejected: /);
    expect(critical.exhausted).toBe(true);
  });
});
