/**
 * Every failure says what happens next (after Crawlee's error classes):
 * - `retry`: transient (5xx, timeout, network), retry with backoff; counts as an attempt.
 * - `relogin`: the session expired or was kicked; refresh it (single-flight) and retry; not the vehicle's fault.
 * - `throttle`: the portal asked us to slow down (429); retry later without counting a failure.
 * - `reject`: the document failed verification (HTML, empty, another vehicle's); never stored; retried.
 * - `fail`: this vehicle cannot succeed (unknown ref, invalid data); FAILED at once.
 * - `stop`: the whole run cannot go on (wrong credentials, bad config); stop taking work.
 */
export const Disposition = {
  RETRY: 'retry',
  RELOGIN: 'relogin',
  THROTTLE: 'throttle',
  REJECT: 'reject',
  FAIL: 'fail',
  STOP: 'stop',
} as const;
export type Disposition = (typeof Disposition)[keyof typeof Disposition];

export abstract class FleetPdfError extends Error {
  abstract readonly disposition: Disposition;
  /** Short, stable reason used to group failures in reports. */
  abstract readonly reason: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 5xx, timeouts, resets: worth another try after a backoff. */
export class TransientError extends FleetPdfError {
  readonly disposition = Disposition.RETRY;
  constructor(
    message: string,
    readonly reason: string = 'transient',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The portal no longer accepts the session (expired, kicked, or asks for the license again). */
export class SessionExpiredError extends FleetPdfError {
  readonly disposition = Disposition.RELOGIN;
  readonly reason = 'session_expired';
  constructor(
    message: string,
    /** The session version the caller was using; refresh only if nobody has yet. */
    readonly staleVersion: number,
  ) {
    super(message);
  }
}

/** 429 or an explicit "slow down". */
export class ThrottledError extends FleetPdfError {
  readonly disposition = Disposition.THROTTLE;
  readonly reason = 'throttled';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * The body is not this vehicle's valid PDF. `wrongVehicle` when it is another vehicle's.
 * `too_large` (over a decoding cap: a decompression bomb, or a document far beyond any
 * vehicle's) fails the vehicle at once: the portal would serve the same bytes again.
 */
export class DocumentRejectedError extends FleetPdfError {
  readonly disposition: Disposition;
  constructor(
    message: string,
    readonly reason: 'not_pdf' | 'empty' | 'corrupt_pdf' | 'wrong_vehicle' | 'identity_missing' | 'too_large',
  ) {
    super(message);
    this.disposition = reason === 'too_large' ? Disposition.FAIL : Disposition.REJECT;
  }
  get wrongVehicle(): boolean {
    return this.reason === 'wrong_vehicle';
  }
}

/** This vehicle cannot succeed however often it is tried. */
export class VehicleFailedError extends FleetPdfError {
  readonly disposition = Disposition.FAIL;
  constructor(
    message: string,
    readonly reason: string = 'non_retryable',
  ) {
    super(message);
  }
}

/** Nothing more can be done in this run until a person fixes the cause. */
export class CriticalError extends FleetPdfError {
  readonly disposition = Disposition.STOP;
  constructor(
    message: string,
    readonly reason: string = 'critical',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Wrong credentials: fail fast, one login attempt, zero refs consumed. */
export class LoginRejectedError extends CriticalError {
  constructor(message = 'the portal rejected the credentials (check PORTAL_USER / PORTAL_PASS)') {
    super(message, 'login_rejected');
  }
}

/** Error codes meaning the disk (or the user's quota) is full: SQLite's and the OS's. */
const STORAGE_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** Is this a "no space left" error from the file system or SQLite? */
export function isStorageFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && STORAGE_FULL_CODES.has(code);
}

/**
 * The disk holding the out folder is full: our fault, not the portal's, so the run stops at
 * once (exit 3) instead of retrying downloads it cannot store or opening the circuit breaker.
 */
export class StorageFullError extends CriticalError {
  constructor(
    readonly folder: string,
    options?: { cause?: unknown },
  ) {
    const code = (options?.cause as { code?: string } | undefined)?.code ?? 'ENOSPC';
    super(`no space left on the disk holding ${folder} (${code}): free space and run again`, 'storage_full', options);
  }
}

/** Rethrow a storage-full error as a StorageFullError naming `folder`; anything else unchanged. */
export function storageFullIn(folder: string, error: unknown): unknown {
  if (error instanceof StorageFullError || !isStorageFull(error)) return error;
  return new StorageFullError(folder, { cause: error });
}

/** Bad user input (CSV, options): one line, non-zero exit. */
export class InputError extends CriticalError {
  constructor(message: string) {
    super(message, 'bad_input');
  }
}

/** Any thrown value mapped to a FleetPdfError; unknown errors are treated as transient. */
export function classify(error: unknown): FleetPdfError {
  if (error instanceof FleetPdfError) return error;
  // A full disk is never the portal's fault (an adapter that did not say where gets the generic folder).
  if (isStorageFull(error)) return new StorageFullError('the out folder', { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  const network = /net::(ERR_[A-Z_]+)/.exec(message);
  if (network) {
    return new TransientError(`cannot reach the portal (${network[1]})`, 'unreachable', { cause: error });
  }
  if (/Timeout \d+ms exceeded|timed out|timeout/i.test(message)) {
    return new TransientError(firstLine(message), 'timeout', { cause: error });
  }
  if (/Target (page|closed)|Browser has been closed|browser has disconnected|crash/i.test(message)) {
    return new TransientError(firstLine(message), 'browser_crashed', { cause: error });
  }
  return new TransientError(firstLine(message), 'transient', { cause: error });
}

/** Playwright messages carry a call log over many lines; reports keep the first. */
export function firstLine(message: string): string {
  const line = message.split('\n').find((l) => l.trim().length > 0) ?? message;
  return line.trim().slice(0, 300);
}

const BROKEN_PAGE_REASONS = new Set(['vehicle_timeout', 'timeout', 'browser_crashed']);

/** A timed-out or crashed page may still hold a request the portal never answered: rebuild it. */
export function leavesPageBroken(error: FleetPdfError): boolean {
  return BROKEN_PAGE_REASONS.has(error.reason);
}
