import type { FleetPdfError } from './errors.js';

/** One vehicle of a dealer inventory, as exported by the portal. */
export interface Vehicle {
  /** The portal's exact reference number (never trimmed): the URL part, the identity and the key of every row. */
  ref: string;
  /** The document's file name (lib/core/file-name.ts), given per inventory; fileNameFor(ref) when absent. */
  file?: string;
  /** 1-based line of the export it came from, when known. */
  line?: number;
  /** 17-character VIN when the portal gives one; used to verify the document. */
  vin?: string;
  /** Any other column of the inventory export (year, make, model, ...). */
  attributes?: Record<string, string>;
}

/** A vehicle the inventory step refused, with the reason (it ends up in the report as skipped). */
export interface RejectedVehicle {
  ref: string;
  reason: string;
  /** 1-based line of the export it came from, when known. */
  line?: number;
}

/** Portal login credentials. Never logged, never written to a report. */
export interface Credentials {
  username: string;
  password: string;
  /**
   * The base32 secret of a TOTP second factor (PORTAL_TOTP_SECRET locally, `totp` in the cloud
   * secret), for portals that ask for a one-time code; a profile step turns it into the code.
   */
  totpSecret?: string;
}

/** A browser cookie, in the shape Playwright reads and writes. */
export interface SessionCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
}

/** A logged-in portal session shared by every worker. `version` grows by one per login. */
export interface PortalSession {
  version: number;
  cookies: SessionCookie[];
  /** Epoch ms of the login that produced it. */
  createdAt: number;
  /** A document was stored with it: the login was worth it. */
  served?: boolean;
  /**
   * Logins in a row before this one whose session served no document (0 after a session that
   * did). A portal that ends every new session at once makes it grow: the login storm guard.
   */
  fruitlessLogins?: number;
}

/** A verified document, ready to be stored. */
export interface VerifiedDocument {
  bytes: Buffer;
  sha256: string;
  /** How the identity check matched: `ref`, `vin` or both. */
  matched: string[];
  pages: number;
}

/** Tracking states of one (runId, ref). */
export const VehicleStatus = {
  PENDING: 'PENDING',
  IN_PROGRESS: 'IN_PROGRESS',
  DONE: 'DONE',
  FAILED: 'FAILED',
  SKIPPED: 'SKIPPED',
} as const;
export type VehicleStatus = (typeof VehicleStatus)[keyof typeof VehicleStatus];

/** What became of one attempt at one vehicle. */
export type Outcome =
  | {
      kind: 'done';
      ref: string;
      bytes: number;
      sha256: string;
      storageKey: string;
      durationMs: number;
      /** The portal's part of it (fetching the document), ms. */
      portalMs: number;
      /** Another delivery of the same ref had already stored it (its row was DONE when this one finished). */
      duplicate?: boolean;
    }
  | { kind: 'already-done'; ref: string }
  | { kind: 'error'; ref: string; error: FleetPdfError; durationMs: number };
