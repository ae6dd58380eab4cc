import { describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../../../lib/core/pipeline/adaptive-limit.js';
import { manualClock } from '../../helpers/factories.js';

describe('AdaptiveLimit', () => {
  it('starts at the ceiling and never hands out more slots than the limit', () => {
    const limit = new AdaptiveLimit({ max: 3 });
    expect([limit.tryAcquire(), limit.tryAcquire(), limit.tryAcquire(), limit.tryAcquire()]).toEqual([true, true, true, false]);
    limit.release();
    expect(limit.tryAcquire()).toBe(true);
  });

  it('halves on a 429 once per cooldown, and not below the floor', () => {
    const clock = manualClock();
    const limit = new AdaptiveLimit({ max: 16, min: 2, cooldownMs: 1000, now: clock.now });
    limit.onThrottle();
    limit.onThrottle(); // same burst
    expect(limit.limit).toBe(8);
    for (let i = 0; i < 5; i += 1) {
      clock.advance(1000);
      limit.onThrottle();
    }
    expect(limit.limit).toBe(2);
    expect(limit.lowest).toBe(2);
  });

  it('grows back by one after a run of healthy successes, up to the ceiling only', () => {
    const clock = manualClock();
    const limit = new AdaptiveLimit({ max: 4, growAfter: 3, now: clock.now });
    limit.onThrottle();
    expect(limit.limit).toBe(2);
    for (let i = 0; i < 30; i += 1) limit.onSuccess(100);
    expect(limit.limit).toBe(4);
  });

  it('steps down when smoothed latency climbs far above its best', () => {
    const clock = manualClock();
    const limit = new AdaptiveLimit({ max: 8, latencyFactor: 3, cooldownMs: 0, now: clock.now });
    for (let i = 0; i < 10; i += 1) limit.onSuccess(100);
    expect(limit.limit).toBe(8);
    for (let i = 0; i < 10; i += 1) limit.onSuccess(2000);
    expect(limit.limit).toBeLessThan(8);
  });

  it('halves once per ended session however many workers saw it end, without the throttle cooldown', () => {
    const clock = manualClock();
    const limit = new AdaptiveLimit({ max: 8, cooldownMs: 60_000, growAfter: 3, now: clock.now });
    for (let i = 0; i < 8; i += 1) limit.onSessionEnded(1); // eight workers, one ended session
    expect(limit.limit).toBe(4);
    limit.onSessionEnded(2); // the next session ended too, at once: no cooldown applies
    expect(limit.limit).toBe(2);
    limit.onSessionEnded(1); // a late report of an old session
    expect(limit.limit).toBe(2);
    expect(limit.lowest).toBe(2);
    for (let i = 0; i < 6; i += 1) limit.onSuccess(100); // sessions last again
    expect(limit.limit).toBe(4);
  });
});
