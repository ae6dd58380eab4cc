import { randomBytes } from 'node:crypto';
import { MAX_TOMBSTONES } from './constants.js';

export type EndReason = 'expired' | 'kicked' | 'replaced' | 'loggedOut';

export interface Session {
  token: string;
  username: string;
  createdAt: number;
  /** Requests made with this session (for `expire`). */
  requests: number;
  licenseAccepted: boolean;
  /** The vehicle whose page this session visited, or whose report it got, last (for `interfere`). */
  currentRef?: string;
}

/** What a request's cookie turned out to be. */
export type AuthResult =
  | { ok: true; session: Session }
  | { ok: false; reason: 'expired' | 'session-ended' | 'login-required' };

/** How the login page explains each end (the `?reason=` of the redirect). */
const REDIRECT_REASON: Record<EndReason, 'expired' | 'session-ended' | 'login-required'> = {
  expired: 'expired',
  kicked: 'session-ended',
  replaced: 'session-ended',
  loggedOut: 'login-required',
};

/**
 * Sessions with the portal's one rule that matters: one active session per user. Ended
 * sessions leave a tombstone so their next request can be told why.
 */
export class SessionRegistry {
  private readonly active = new Map<string, Session>();
  private readonly byUser = new Map<string, string>();
  private readonly ended = new Map<string, EndReason>();

  constructor(private readonly onEnd: (reason: EndReason) => void) {}

  get activeCount(): number {
    return this.active.size;
  }

  /** A new session for the user; ends the user's older one ("replaced"). */
  create(username: string): Session {
    const previous = this.byUser.get(username);
    if (previous) this.end(previous, 'replaced');
    const session: Session = {
      token: randomBytes(24).toString('base64url'),
      username,
      createdAt: Date.now(),
      requests: 0,
      licenseAccepted: false,
    };
    this.active.set(session.token, session);
    this.byUser.set(username, session.token);
    return session;
  }

  /**
   * Look a token up and count the request against it; past `expireAfter` requests the session
   * ends as expired (the request that crosses the limit is already refused).
   */
  authenticate(token: string | undefined, expireAfter: number | undefined): AuthResult {
    if (!token) return { ok: false, reason: 'login-required' };
    const session = this.active.get(token);
    if (!session) {
      const why = this.ended.get(token);
      return { ok: false, reason: why ? REDIRECT_REASON[why] : 'login-required' };
    }
    session.requests += 1;
    if (expireAfter && session.requests > expireAfter) {
      this.end(token, 'expired');
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, session };
  }

  /** The session behind a token without counting a request (logout). */
  peek(token: string | undefined): Session | undefined {
    return token ? this.active.get(token) : undefined;
  }

  end(token: string, reason: EndReason): boolean {
    const session = this.active.get(token);
    if (!session) return false;
    this.active.delete(token);
    if (this.byUser.get(session.username) === token) this.byUser.delete(session.username);
    this.ended.set(token, reason);
    if (this.ended.size > MAX_TOMBSTONES) {
      const oldest = this.ended.keys().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
    this.onEnd(reason);
    return true;
  }

  /** End every active session; returns how many. */
  endAll(reason: EndReason): number {
    let n = 0;
    for (const token of [...this.active.keys()]) if (this.end(token, reason)) n += 1;
    return n;
  }
}
