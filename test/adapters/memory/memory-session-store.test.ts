import { MemorySessionStore } from '../../../lib/adapters/memory/index.js';
import { sessionStoreContract } from '../../contracts/session-store.contract.js';

// One process: every worker shares the one instance.
sessionStoreContract('MemorySessionStore', (clock) => {
  const store = new MemorySessionStore({ now: clock.now });
  return { store, sameStore: () => store };
});
