import type { PortalSession, SessionCookie, Vehicle } from '../../lib/core/types.js';

/** Small factories for test data, shared by the unit tests of every adapter. */

/** `count` vehicles R00001, R00002, ... (zero padded so ref order is numeric order). */
export function vehicles(count: number, prefix = 'R'): Vehicle[] {
  return Array.from({ length: count }, (_, i) => ({ ref: `${prefix}${String(i + 1).padStart(5, '0')}` }));
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2024, 4, 31, 10, 0, 0)) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    set: (ms: number) => {
      t = ms;
    },
  };
}

/** The demo portal's session cookie with a given value. */
export const cookie = (value: string): SessionCookie => ({
  name: 'dv_session',
  value,
  domain: '127.0.0.1',
  path: '/',
  expires: -1,
  httpOnly: true,
  secure: false,
  sameSite: 'Lax',
});

export const session = (version: number, value = `v${version}`): PortalSession => ({
  version,
  createdAt: 1_700_000_000_000,
  cookies: [cookie(value)],
});
