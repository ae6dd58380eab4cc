import type { DocumentRejectedError } from '../errors.js';

export type { VerifiedDocument } from '../types.js';

/** Why a downloaded body was refused (DocumentRejectedError.reason). */
export type RejectReason = DocumentRejectedError['reason'];

/** The text a PDF shows, as far as verification needs it. */
export interface PdfText {
  /** Info Title/Subject/Keywords, then the text of each page (pages separated by newlines). */
  text: string;
  /** Number of pages in the page tree. */
  pages: number;
  /** The PDF is encrypted: its strings and streams could not be read. */
  encrypted: boolean;
}

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
