import { MemoryBreakerStore } from '../../../lib/adapters/memory/index.js';
import { circuitBreakerContract } from '../../contracts/circuit-breaker.contract.js';

let runs = 0;
circuitBreakerContract('the memory store', { store: () => new MemoryBreakerStore(), runId: () => {
    runs += 1;
    return `run-${runs}`;
  } });
