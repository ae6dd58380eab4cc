import type { DocumentRejectedError } from '../errors.js';
import type { VerifiedDocument } from '../types.js';

export type { VerifiedDocument } from '../types.js';

/** Why a downloaded body was refused (DocumentRejectedError.reason). */
export type RejectReason = DocumentRejectedError['reason'];

/** The vehicle fields the identity check looks at. */
export interface VehicleIdentity {
  ref: string;
  vin?: string;
}

/** What the text of a document says about whose document it is. */
export interface IdentityMatch {
  /** `ref` and/or `vin`: this vehicle's identifiers the text names. */
  matched: ('ref' | 'vin')[];
  /** `Reference: X` style refs in the text that are not this vehicle's. */
  otherRefs: string[];
  /** 17-character VINs in the text that are not this vehicle's (only when the vehicle's VIN is known). */
  otherVins: string[];
}

/** Checks that a body is this vehicle's PDF (what the pipeline needs of a PdfVerifier). */
export interface DocumentVerifier {
  /** The verified document, or a DocumentRejectedError saying why not. */
  verify(body: Buffer, vehicle: VehicleIdentity): Promise<VerifiedDocument>;
}

export interface PdfVerifierOptions {
  /**
   * Decoded bytes one stream may grow to (content, font, CMap: whatever pdf.js decodes to read
   * the text). Best a power of two: pdf.js grows stream buffers by doubling.
   * @default the verifyMaxStreamMb setting (32 MiB)
   */
  maxStreamBytes?: number;
  /**
   * Decoded bytes over the whole document: every buffer pdf.js fills while reading it, so a
   * stream used by 100 pages counts 100 times (and a growing buffer counts each size it had).
   * @default the verifyMaxDocumentMb setting (128 MiB)
   */
  maxDocumentBytes?: number;
  /**
   * Pages a document may have.
   * @default the verifyMaxPages setting (500)
   */
  maxPages?: number;
  /**
   * JS heap of each worker thread, MB (V8 old generation); a document that needs more ends its
   * thread and is refused as too large.
   * @default the verifyMaxHeapMb setting (256)
   */
  maxHeapMb?: number;
  /**
   * Worker threads verifying documents side by side, started on first use.
   * @default min(DEFAULT_MAX_THREADS, available cores - 1), at least 1
   */
  threads?: number;
  /**
   * Last-resort budget for one document in its thread, ms (time waiting for a free thread
   * not counted). Past it the thread is terminated and replaced, and the document refused.
   * @default the verifyTimeoutSecs setting (20 s)
   */
  timeoutMs?: number;
}

/** The caps a worker thread applies to each document. */
export interface DocumentCaps {
  maxStreamBytes: number;
  maxDocumentBytes: number;
  maxPages: number;
}

/** Which cap a document went over. */
export type CapName = 'maxStreamBytes' | 'maxDocumentBytes' | 'maxPages' | 'maxHeapMb' | 'timeoutMs';

/** A document over one of the caps: how big it got (at least) and the cap. */
export interface CapExceeded {
  cap: CapName;
  /** Bytes, pages, MB or ms, as the cap counts. */
  size: number;
  limit: number;
}

/** One document for a worker thread. */
export interface VerifyJob {
  id: number;
  body: Uint8Array;
  vehicle: VehicleIdentity;
}

/** What a worker thread found in a document's page text. */
export interface PageTextFindings {
  pages: number;
  /** Other refs and VINs cut to MAX_REPORTED_OTHERS; the counts say how many there were. */
  identity: IdentityMatch;
  otherRefCount: number;
  otherVinCount: number;
  /** The start of the page text, on one line (for identity_missing messages). */
  textStart: string;
}

/** A worker thread's answer to a VerifyJob. */
export type VerifyReply =
  | { id: number; kind: 'read'; findings: PageTextFindings }
  | { id: number; kind: 'too_large'; exceeded: CapExceeded }
  | { id: number; kind: 'password' }
  | { id: number; kind: 'corrupt'; message: string };

/** A worker thread's first message: pdf.js is loaded, send documents. */
export interface WorkerReady {
  kind: 'ready';
}

/** What a worker thread is started with. */
export interface WorkerSetup {
  caps: DocumentCaps;
}
