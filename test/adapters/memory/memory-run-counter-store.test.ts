import { MemoryRunCounterStore } from '../../../lib/adapters/memory/index.js';
import { runCounterStoreContract } from '../../contracts/run-counter-store.contract.js';

let runs = 0;
runCounterStoreContract('memory', {
  stores: async () => {
    const store = new MemoryRunCounterStore();
    return [store, store];
  },
  runId: () => {
    runs += 1;
    return `run-${runs}`;
  },
});
