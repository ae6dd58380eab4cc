import type { SessionStore } from '../../core/ports.js';
import type { PortalSession } from '../../core/types.js';
import type { MemorySessionStoreOptions } from './types.js';

/**
 * The shared portal session of one process (the local mode runs one; tests share one instance
 * between workers). Sessions are copied in and out so a caller mutating its cookies cannot
 * change what the other workers see. The lock follows DynamoSessionStore: free, expired or
 * already ours can be taken; only its owner releases it.
 */
export class MemorySessionStore implements SessionStore {
  readonly #now: () => number;
  #session?: PortalSession;
  #lock?: { owner: string; expiresAt: number };

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async get(): Promise<PortalSession | undefined> {
    return this.#session && structuredClone(this.#session);
  }

  async put(session: PortalSession): Promise<boolean> {
    if (this.#session && this.#session.version >= session.version) return false;
    this.#session = structuredClone(session);
    return true;
  }

  async markServed(version: number): Promise<void> {
    if (this.#session?.version === version) this.#session.served = true;
  }

  /** Free, expired (a holder that crashed or hung) or already ours: take or extend it. */
  async tryLock(owner: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    if (this.#lock && this.#lock.owner !== owner && this.#lock.expiresAt > now) return false;
    this.#lock = { owner, expiresAt: now + ttlMs };
    return true;
  }

  async unlock(owner: string): Promise<void> {
    if (this.#lock?.owner === owner) this.#lock = undefined;
  }
}
