import { randomUUID } from 'node:crypto';
import { TransientError } from '../errors.js';
import type { SessionStore } from '../ports.js';
import type { PortalSession, SessionCookie } from '../types.js';

export interface SessionManagerOptions {
  store: SessionStore;
  /** Performs one real login (browser, license) and returns the session cookies. */
  login: () => Promise<SessionCookie[]>;
  /** Who holds the refresh lock (a worker process, a Lambda). @default random */
  ownerId?: string;
  /** How long the refresh lock is held at most; a crashed holder frees it after this. @default 90_000 */
  lockTtlMs?: number;
  /** How often a waiter looks for the new session. @default 200 */
  pollMs?: number;
  /** How long a waiter waits for someone else's login before giving up. @default 120_000 */
  maxWaitMs?: number;
  /** Called after each login this manager performed. */
  onLogin?: (session: PortalSession) => void;
}

/**
 * The one portal session all workers share. The portal allows one active session per
 * user, so a refresh is single-flight twice over: in-process (one promise for every
 * caller here) and across processes (the store's lock; others wait for the new version).
 */
export class SessionManager {
  readonly #store: SessionStore;
  readonly #login: () => Promise<SessionCookie[]>;
  readonly #ownerId: string;
  readonly #lockTtlMs: number;
  readonly #pollMs: number;
  readonly #maxWaitMs: number;
  readonly #onLogin?: (session: PortalSession) => void;
  #inflight?: Promise<PortalSession>;
  #loginCount = 0;

  constructor(options: SessionManagerOptions) {
    this.#store = options.store;
    this.#login = options.login;
    this.#ownerId = options.ownerId ?? randomUUID();
    this.#lockTtlMs = options.lockTtlMs ?? 90_000;
    this.#pollMs = options.pollMs ?? 200;
    this.#maxWaitMs = options.maxWaitMs ?? 120_000;
    this.#onLogin = options.onLogin;
  }

  /** Logins this manager performed itself. */
  get loginCount(): number {
    return this.#loginCount;
  }

  /** The current session, logging in first if there is none yet. */
  async current(): Promise<PortalSession> {
    const stored = await this.#store.get();
    return stored ?? this.refresh(0);
  }

  /**
   * A session newer than `staleVersion`: the one somebody already made, or a new login.
   * Every caller that saw the same stale version gets the same new session.
   */
  refresh(staleVersion: number): Promise<PortalSession> {
    if (!this.#inflight) {
      this.#inflight = this.#refresh(staleVersion).finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  async #refresh(staleVersion: number): Promise<PortalSession> {
    const deadline = Date.now() + this.#maxWaitMs;
    for (;;) {
      const stored = await this.#store.get();
      if (stored && stored.version > staleVersion) return stored;
      if (await this.#store.tryLock(this.#ownerId, this.#lockTtlMs)) {
        try {
          // Someone may have finished a login between our read and the lock.
          const latest = await this.#store.get();
          if (latest && latest.version > staleVersion) return latest;
          const cookies = await this.#login();
          const session: PortalSession = { version: (latest?.version ?? 0) + 1, cookies, createdAt: Date.now() };
          this.#loginCount += 1;
          await this.#store.put(session);
          this.#onLogin?.(session);
          return session;
        } finally {
          await this.#store.unlock(this.#ownerId);
        }
      }
      if (Date.now() > deadline) {
        throw new TransientError(`gave up after ${this.#maxWaitMs} ms waiting for another login to finish`, 'login_wait');
      }
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
    }
  }
}
