import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MAX_PENDING_SIGNINS, SIGNIN_TTL_MS } from './constants.js';
import type { GridFilter } from './inventory.js';

/**
 * Sign-ins between their two steps: the user-name step starts one (a cookie carries its id),
 * the password step finishes it. Bounded and short-lived, like a real identity provider's.
 */
export class PendingSignins {
  private readonly pending = new Map<string, { username: string; startedAt: number }>();

  start(username: string, now = Date.now()): string {
    const id = randomBytes(18).toString('base64url');
    this.pending.set(id, { username, startedAt: now });
    if (this.pending.size > MAX_PENDING_SIGNINS) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    return id;
  }

  /** The user name of a started sign-in, or undefined when unknown or too old. */
  username(id: string | undefined, now = Date.now()): string | undefined {
    const entry = id ? this.pending.get(id) : undefined;
    if (!entry) return undefined;
    if (now - entry.startedAt > SIGNIN_TTL_MS) {
      this.pending.delete(id!);
      return undefined;
    }
    return entry.username;
  }

  finish(id: string): void {
    this.pending.delete(id);
  }
}

/** What the window-sticker site keeps per running portal. */
export interface StickerSiteState {
  /** Saved grid filter per user: survives sign-out and sign-in (that is what makes it sticky). */
  filters: Map<string, GridFilter>;
  signins: PendingSignins;
  /** Signs sticker links, so a link only works for the session that was shown it. */
  linkKey: Buffer;
}

export function createStickerState(): StickerSiteState {
  return { filters: new Map(), signins: new PendingSignins(), linkKey: randomBytes(32) };
}

/**
 * The token in a vehicle's sticker links: bound to the session and the vehicle, so the PDF has
 * no stable URL to fetch directly; it is reached through the page's control, in a new tab.
 */
export function stickerToken(state: StickerSiteState, sessionToken: string, ref: string): string {
  return createHmac('sha256', state.linkKey).update(`${sessionToken}\n${ref}`).digest('base64url').slice(0, 22);
}

export function isStickerToken(state: StickerSiteState, sessionToken: string, ref: string, token: string | null): boolean {
  const expected = Buffer.from(stickerToken(state, sessionToken, ref));
  const given = Buffer.from(token ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
