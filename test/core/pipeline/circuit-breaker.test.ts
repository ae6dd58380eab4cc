import { describe, expect, it } from 'vitest';
import { DocumentRejectedError, ThrottledError, TransientError, VehicleFailedError } from '../../../lib/core/errors.js';
import { CircuitBreaker } from '../../../lib/core/pipeline/circuit-breaker.js';
import { manualClock } from '../../helpers/factories.js';

const http503 = () => new TransientError('HTTP 503 on vehicle page', 'http_503');

describe('CircuitBreaker', () => {
  it('opens when the portal errors cross the threshold over the window, not before enough samples', () => {
    const clock = manualClock();
    const breaker = new CircuitBreaker({ windowSize: 10, minSamples: 5, errorRateThreshold: 0.6, now: clock.now });
    for (let i = 0; i < 4; i += 1) breaker.record(http503());
    expect(breaker.state).toBe('closed');
    breaker.record(http503());
    expect(breaker.state).toBe('open');
    expect(breaker.opens).toBe(1);
    expect(breaker.tryAcquire()).toBe('wait');
    expect(breaker.reason).toContain('http_503');
  });

  it('does not count throttling, rejected documents or unknown vehicles against the portal', () => {
    const breaker = new CircuitBreaker({ windowSize: 10, minSamples: 3 });
    for (let i = 0; i < 10; i += 1) {
      breaker.record(new ThrottledError('HTTP 429'));
      breaker.record(new DocumentRejectedError('another vehicle', 'wrong_vehicle'));
      breaker.record(new VehicleFailedError('404', 'not_found'));
    }
    expect(breaker.state).toBe('closed');
  });

  it('lets one probe through after the pause and closes on its success', () => {
    const clock = manualClock();
    const breaker = new CircuitBreaker({ minSamples: 2, windowSize: 4, pauseMs: 1000, now: clock.now });
    breaker.record(http503());
    breaker.record(http503());
    expect(breaker.state).toBe('open');
    clock.advance(999);
    expect(breaker.tryAcquire()).toBe('wait');
    clock.advance(1);
    expect(breaker.tryAcquire()).toBe('probe');
    expect(breaker.tryAcquire()).toBe('wait');
    breaker.record();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe('go');
  });

  it('doubles the pause on each failed probe and is exhausted after maxOpens in a row', () => {
    const clock = manualClock();
    const breaker = new CircuitBreaker({ minSamples: 1, windowSize: 1, pauseMs: 1000, maxOpens: 3, now: clock.now });
    breaker.record(http503());
    expect(breaker.currentPauseMs()).toBe(1000);
    clock.advance(1000);
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.record(http503());
    expect(breaker.currentPauseMs()).toBe(2000);
    expect(breaker.exhausted).toBe(false);
    clock.advance(2000);
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.record(http503());
    expect(breaker.exhausted).toBe(true);
    expect(breaker.opens).toBe(3);
  });
});
