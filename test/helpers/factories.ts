import type { FleetPdfError } from '../../lib/core/errors.js';
import type { Outcome, PortalSession, SessionCookie, Vehicle } from '../../lib/core/types.js';

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

/** A host-only cookie of the demo portal's host, as a browser context reports it. */
export const sessionCookie = (name: string, value: string, extra: Partial<SessionCookie> = {}): SessionCookie => ({
  name,
  value,
  domain: '127.0.0.1',
  path: '/',
  expires: -1,
  httpOnly: true,
  secure: false,
  sameSite: 'Lax',
  ...extra,
});

/** The demo portal's session cookie with a given value. */
export const cookie = (value: string): SessionCookie => sessionCookie('dv_session', value);

export const session = (version: number, value = `v${version}`): PortalSession => ({
  version,
  createdAt: 1_700_000_000_000,
  cookies: [cookie(value)],
});

export type ManualClock = ReturnType<typeof manualClock>;

/** Outcomes of one attempt, as processVehicle returns them. */
export const outcomes = {
  done: (ref = 'R00001', extra: { portalMs?: number; duplicate?: boolean } = {}): Outcome => ({
    kind: 'done',
    ref,
    bytes: 1234,
    sha256: 'ab'.repeat(32),
    storageKey: `run/${ref}.pdf`,
    durationMs: 900,
    portalMs: extra.portalMs ?? 800,
    ...(extra.duplicate ? { duplicate: true } : {}),
  }),
  alreadyDone: (ref = 'R00001'): Outcome => ({ kind: 'already-done', ref }),
  error: (error: FleetPdfError, ref = 'R00001'): Outcome => ({ kind: 'error', ref, error, durationMs: 500 }),
};
