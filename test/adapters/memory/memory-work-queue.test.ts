import { describe, expect, it } from 'vitest';
import { MemoryTracker } from '../../../lib/adapters/memory/index.js';
import { workQueueContract } from '../../contracts/work-queue.contract.js';
import { vehicles } from '../../helpers/factories.js';

workQueueContract('MemoryWorkQueue', (clock) => {
  const tracker = new MemoryTracker({ now: clock.now });
  return { tracker, queue: (runId) => tracker.queue(runId) };
});

describe('MemoryWorkQueue', () => {
  it('is one queue per run, over the tracker\'s rows', async () => {
    const tracker = new MemoryTracker();
    await tracker.register('r', vehicles(1));
    expect(tracker.queue('r')).toBe(tracker.queue('r'));
    const item = await tracker.queue('r').lease('w', 30);
    expect((await tracker.get('r', item!.ref))?.status).toBe('IN_PROGRESS');
  });
});
