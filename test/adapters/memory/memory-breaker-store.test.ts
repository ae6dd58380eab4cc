import { describe, expect, it } from 'vitest';
import { MemoryBreakerStore } from '../../../lib/adapters/memory/index.js';
import { breakerStoreContract } from '../../contracts/breaker-store.contract.js';
import { manualClock } from '../../helpers/factories.js';

breakerStoreContract('MemoryBreakerStore', (clock) => {
  const store = new MemoryBreakerStore({ now: clock.now });
  return { store, sameStore: () => store };
});

describe('MemoryBreakerStore', () => {
  it('takes its bucket length from bucketSecs', async () => {
    const clock = manualClock(0);
    const store = new MemoryBreakerStore({ bucketSecs: 1, now: clock.now });
    await store.record('r', true);
    clock.advance(1_000);
    expect(await store.record('r', false)).toEqual({ samples: 2, errors: 1 });
    clock.advance(1_000);
    expect(await store.record('r', false)).toEqual({ samples: 2, errors: 0 });
  });
});
