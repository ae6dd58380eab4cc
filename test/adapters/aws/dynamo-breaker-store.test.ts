import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoBreakerStore } from '../../../lib/adapters/aws/index.js';
import { createCloudResources, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { circuitBreakerContract } from '../../contracts/circuit-breaker.contract.js';
import { manualClock } from './helpers.js';

useEmulators();

describe('DynamoBreakerStore (dynalite)', () => {
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
});

let runs = 0;
let shared: CloudResources | undefined;
circuitBreakerContract('the DynamoDB store (dynalite)', {
  store: async () => {
    shared ??= await createCloudResources('breaker-contract');
    return new DynamoBreakerStore({ client: shared.clients.dynamodb, tableName: shared.sessionTable });
  },
  runId: () => `contract-${(runs += 1)}`,
});
