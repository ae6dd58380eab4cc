import { randomUUID } from 'node:crypto';
import { defaultOf } from '../../settings/index.js';
import { CriticalError, TransientError } from '../errors.js';
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
  /**
   * Logins in a row whose session served no document, after which a refresh refuses to log in
   * again (CriticalError `session_storm`). @default the maxFruitlessLogins setting
   */
  maxFruitlessLogins?: number;
  /** Called after each login this manager performed. */
  onLogin?: (session: PortalSession) => void;
}

export interface RefreshOptions {
  /** A new run starts: what earlier sessions did not serve does not count against this one. */
  newRun?: boolean;
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
  readonly #maxFruitless: number;
  readonly #onLogin?: (session: PortalSession) => void;
  #inflight?: Promise<PortalSession>;
  #loginCount = 0;
  /** The newest version this manager already marked served (one store write per session). */
  #servedVersion = 0;

  constructor(options: SessionManagerOptions) {
    this.#store = options.store;
    this.#login = options.login;
    this.#ownerId = options.ownerId ?? randomUUID();
    this.#lockTtlMs = options.lockTtlMs ?? 90_000;
    this.#pollMs = options.pollMs ?? 200;
    this.#maxWaitMs = options.maxWaitMs ?? 120_000;
    this.#maxFruitless = options.maxFruitlessLogins ?? (defaultOf('maxFruitlessLogins', 'local') as number);
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
   * Every caller that saw the same stale version gets the same new session. Refuses to log in
   * (CriticalError `session_storm`) when the last `maxFruitlessLogins` sessions served no
   * document: a portal that ends every new session at once would get a login per vehicle.
   */
  refresh(staleVersion: number, options: RefreshOptions = {}): Promise<PortalSession> {
    if (!this.#inflight) {
      this.#inflight = this.#refresh(staleVersion, options).finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  /** A document was stored with the session of `version`: its login was worth it (what the storm guard counts). */
  async markServed(version: number): Promise<void> {
    if (version <= this.#servedVersion) return;
    this.#servedVersion = version;
    await this.#store.markServed(version);
  }

  async #refresh(staleVersion: number, options: RefreshOptions): Promise<PortalSession> {
    const deadline = Date.now() + this.#maxWaitMs;
    for (;;) {
      const stored = await this.#store.get();
      if (stored && stored.version > staleVersion) return stored;
      if (await this.#store.tryLock(this.#ownerId, this.#lockTtlMs)) {
        try {
          // Someone may have finished a login between our read and the lock.
          const latest = await this.#store.get();
          if (latest && latest.version > staleVersion) return latest;
          const fruitlessLogins = options.newRun || !latest || latest.served ? 0 : (latest.fruitlessLogins ?? 0) + 1;
          if (fruitlessLogins >= this.#maxFruitless) {
            throw new CriticalError(
              `the portal ends every new session at once: the last ${fruitlessLogins} logins served no document before the sign-in page came back ` +
                "(check the profile's session.loginUrlPattern and loginPageMarker, and that the account may open documents)",
              'session_storm',
            );
          }
          const cookies = await this.#login();
          const session: PortalSession = { version: (latest?.version ?? 0) + 1, cookies, createdAt: Date.now(), fruitlessLogins };
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
