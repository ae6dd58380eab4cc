import { MemoryTracker } from '../../../lib/adapters/memory/index.js';
import { trackerContract } from '../../contracts/tracker.contract.js';

trackerContract('MemoryTracker', (clock) => ({ tracker: new MemoryTracker({ now: clock.now }) }));
