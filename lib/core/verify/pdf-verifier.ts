import { availableParallelism } from 'node:os';
import type { VerifiedDocument } from '../types.js';
import { defaultSettings, type LocalSettings } from '../../settings/index.js';
import { DEFAULT_MAX_THREADS } from './constants.js';
import { tooLarge } from './errors.js';
import type { DocumentCaps, DocumentVerifier, PdfVerifierOptions, VehicleIdentity } from './types.js';
import { corrupt, judge, needsPassword, precheck } from './verdict.js';
import { WorkerPool } from './worker-pool.js';

const MiB = 1024 * 1024;

/** The verification settings (lib/settings) a PdfVerifier takes. */
export type VerifierSettings = Pick<LocalSettings, 'verifyMaxStreamMb' | 'verifyMaxDocumentMb' | 'verifyMaxPages' | 'verifyMaxHeapMb' | 'verifyTimeoutSecs'>;

/** A PdfVerifier's caps from a runtime's settings. */
export function verifierOptions(settings: VerifierSettings): Required<Omit<PdfVerifierOptions, 'threads'>> {
  return {
    maxStreamBytes: settings.verifyMaxStreamMb * MiB,
    maxDocumentBytes: settings.verifyMaxDocumentMb * MiB,
    maxPages: settings.verifyMaxPages,
    maxHeapMb: settings.verifyMaxHeapMb,
    timeoutMs: settings.verifyTimeoutSecs * 1000,
  };
}

/** The caps of a PdfVerifier made without options: the settings' defaults. */
export const DEFAULT_CAPS = Object.freeze(verifierOptions(defaultSettings('local')));

/**
 * Is a body a PDF, and is it this vehicle's? The document is read by pdf.js in worker threads
 * (never on the caller's event loop), within caps on decoded bytes, pages, heap and time; the
 * vehicle's ref or VIN must be in the text its pages show (metadata is not enough).
 *
 * verify() resolves to the verified document or rejects with DocumentRejectedError: `empty`,
 * `not_pdf` (says what it was instead), `corrupt_pdf` (truncated, unreadable to pdf.js, no
 * pages), `too_large` (over a cap: not retried), `wrong_vehicle` (names another ref or VIN,
 * even next to this vehicle's), `identity_missing` (names neither this vehicle's ref nor its VIN,
 * or needs a password to be read). Any other error is the verifier's own failure (a thread
 * that could not start), not the document's.
 *
 * Threads start on first use and do not keep the process alive while idle; close() ends them.
 */
export class PdfVerifier implements DocumentVerifier {
  readonly #pool: WorkerPool;
  /** The caps in force (defaults filled in). */
  readonly caps: Readonly<DocumentCaps & { maxHeapMb: number; timeoutMs: number; threads: number }>;

  constructor(options: PdfVerifierOptions = {}) {
    const caps = {
      maxStreamBytes: positive(options.maxStreamBytes, DEFAULT_CAPS.maxStreamBytes, 'maxStreamBytes'),
      maxDocumentBytes: positive(options.maxDocumentBytes, DEFAULT_CAPS.maxDocumentBytes, 'maxDocumentBytes'),
      maxPages: positive(options.maxPages, DEFAULT_CAPS.maxPages, 'maxPages'),
      maxHeapMb: positive(options.maxHeapMb, DEFAULT_CAPS.maxHeapMb, 'maxHeapMb'),
      timeoutMs: positive(options.timeoutMs, DEFAULT_CAPS.timeoutMs, 'timeoutMs'),
      threads: positive(options.threads, Math.max(1, Math.min(DEFAULT_MAX_THREADS, availableParallelism() - 1)), 'threads'),
    };
    this.caps = Object.freeze(caps);
    this.#pool = new WorkerPool({
      threads: caps.threads,
      timeoutMs: caps.timeoutMs,
      maxHeapMb: caps.maxHeapMb,
      setup: { caps: { maxStreamBytes: caps.maxStreamBytes, maxDocumentBytes: caps.maxDocumentBytes, maxPages: caps.maxPages } },
    });
  }

  /** Worker threads running now. */
  get threads(): number {
    return this.#pool.threads;
  }

  async verify(body: Buffer, vehicle: VehicleIdentity): Promise<VerifiedDocument> {
    precheck(body);
    const result = await this.#pool.run(body, { ref: vehicle.ref, ...(vehicle.vin ? { vin: vehicle.vin } : {}) });
    switch (result.kind) {
      case 'read':
        return judge(body, result.findings, vehicle);
      case 'too_large':
        throw tooLarge(result.exceeded);
      case 'password':
        throw needsPassword(vehicle);
      case 'corrupt':
        throw corrupt(result.message);
    }
  }

  /** End the worker threads; documents still waiting are rejected. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`PdfVerifier: ${name} must be a positive integer (got ${value})`);
  return value;
}
