import { describe, expect, it } from 'vitest';
import {
  CriticalError,
  DocumentRejectedError,
  SessionExpiredError,
  ThrottledError,
  TransientError,
  VehicleFailedError,
} from '../../../lib/core/errors.js';
import { RetryPolicy } from '../../../lib/core/pipeline/retry-policy.js';

const policy = new RetryPolicy({ maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 8000, freeThrottles: 2 });
const half = () => 0.5;

describe('RetryPolicy', () => {
  it('retries a transient error with a counted attempt until the last attempt, then fails', () => {
    const error = new TransientError('HTTP 503');
    expect(policy.decide(error, 0, 0, half)).toEqual({ action: 'retry', delayMs: 750, countAttempt: true });
    expect(policy.decide(error, 1, 0, half)).toEqual({ action: 'retry', delayMs: 1500, countAttempt: true });
    expect(policy.decide(error, 2, 0, half)).toEqual({ action: 'fail' });
  });

  it('retries a rejected document (wrong vehicle) like a transient error', () => {
    const error = new DocumentRejectedError('PDF is for another vehicle', 'wrong_vehicle');
    expect(policy.decide(error, 0, 0, half).action).toBe('retry');
    expect(policy.decide(error, 2, 0, half).action).toBe('fail');
  });

  it('does not count throttling as an attempt until the free throttles are used up', () => {
    const error = new ThrottledError('HTTP 429', 3000);
    expect(policy.decide(error, 2, 0, half)).toEqual({ action: 'retry', delayMs: 3000, countAttempt: false });
    expect(policy.decide(error, 0, 2, half)).toMatchObject({ action: 'retry', countAttempt: true });
    expect(policy.decide(error, 2, 2, half)).toEqual({ action: 'fail' });
  });

  it('fails a non-retryable vehicle at once and stops the run on a critical error', () => {
    expect(policy.decide(new VehicleFailedError('404', 'not_found'), 0)).toEqual({ action: 'fail' });
    expect(policy.decide(new CriticalError('bad credentials'), 0)).toEqual({ action: 'stop' });
  });

  it('treats a session that keeps expiring as a counted retry', () => {
    expect(policy.decide(new SessionExpiredError('kicked', 3), 0, 0, half)).toMatchObject({ action: 'retry', countAttempt: true });
  });

  it('caps the backoff and keeps it within [ceiling/2, ceiling]', () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const ceiling = Math.min(8000, 1000 * 2 ** attempt);
      expect(policy.backoffMs(attempt, () => 0)).toBe(ceiling / 2);
      expect(policy.backoffMs(attempt, () => 0.999999)).toBeLessThanOrEqual(ceiling);
    }
  });
});
