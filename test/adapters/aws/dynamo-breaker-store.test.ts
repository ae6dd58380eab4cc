import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoBreakerStore } from '../../../lib/adapters/aws/index.js';
import { TransientError, LoginRejectedError, DocumentRejectedError } from '../../../lib/core/errors.js';
import { SharedCircuitBreaker } from '../../../lib/core/pipeline/shared-breaker.js';
import { createCloudResources, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { manualClock } from './helpers.js';

useEmulators();

describe('DynamoBreakerStore (dynalite) and the SharedCircuitBreaker over it', () => {
  let res: CloudResources;
  beforeAll(async () => {
    res = await createCloudResources('breaker');
  });
  const store = (now?: () => number) => new DynamoBreakerStore({ client: res.clients.dynamodb, tableName: res.sessionTable, ...(now ? { now } : {}) });

  it('sums outcomes from many containers over the current and the previous 10 s bucket only', async () => {
    const clock = manualClock();
    const a = store(clock.now);
    const b = store(clock.now);
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).record('run-w', i < 5)));
    clock.advance(10_000);
    expect(await a.record('run-w', true)).toEqual({ samples: 21, errors: 6 });
    clock.advance(10_000);
    expect(await b.record('run-w', false)).toEqual({ samples: 2, errors: 1 }); // the first bucket fell out
  });

  it('opens once (the first reason wins), reports the trip, and closes with its window on reset', async () => {
    const s = store();
    expect(await s.state('run-t')).toBeUndefined();
    expect(await s.trip('run-t', { reason: 'http_503: first', critical: false, openedAt: 1 })).toBe(true);
    expect(await s.trip('run-t', { reason: 'http_503: second', critical: false, openedAt: 2 })).toBe(false);
    expect(await s.state('run-t')).toEqual({ reason: 'http_503: first', critical: false, openedAt: 1 });
    await s.record('run-t', true);
    await s.reset('run-t');
    expect(await s.state('run-t')).toBeUndefined();
    expect(await s.record('run-t', false)).toEqual({ samples: 1, errors: 0 });
    expect(await s.trip('run-t', { reason: 'again', critical: true, openedAt: 3 })).toBe(true);
  });

  it('SharedCircuitBreaker opens when the shared error rate crosses 60 % over at least 10 vehicles, for every container', async () => {
    const a = new SharedCircuitBreaker({ store: store(), stateCacheMs: 0 });
    const b = new SharedCircuitBreaker({ store: store(), stateCacheMs: 0 });
    const down = new TransientError('portal answered 503', 'http_503');
    for (let i = 0; i < 4; i += 1) expect(await a.record('run-s')).toBeUndefined();
    // A rejected document is the vehicle's problem, not the portal's: it does not count.
    expect(await b.record('run-s', new DocumentRejectedError('not a PDF', 'not_pdf'))).toBeUndefined();
    const trips = [];
    for (let i = 0; i < 6; i += 1) trips.push(await (i % 2 ? a : b).record('run-s', down));
    expect(trips.slice(0, 5).every((t) => t === undefined)).toBe(true); // 5 of 9: not yet
    expect(trips[5]).toMatchObject({ critical: false, reason: expect.stringMatching(/^http_503: portal answered 503 \(6 of the last 10/) });
    expect(await b.openTrip('run-s')).toMatchObject({ reason: trips[5]!.reason });
  });

  it('SharedCircuitBreaker opens at once, as critical, on rejected credentials', async () => {
    const breaker = new SharedCircuitBreaker({ store: store(), stateCacheMs: 0 });
    const trip = await breaker.record('run-c', new LoginRejectedError('the portal rejected the credentials'));
    expect(trip).toMatchObject({ critical: true });
    expect(await breaker.openTrip('run-c')).toMatchObject({ critical: true });
  });
});
