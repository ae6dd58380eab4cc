export { PdfVerifier } from './pdf-verifier.js';
export { matchIdentity } from './identity.js';
export { describeNotPdf } from './not-pdf.js';
export { findPdfHeader } from './pdf-header.js';
export {
  DEFAULT_MAX_DOCUMENT_BYTES,
  DEFAULT_MAX_HEAP_MB,
  DEFAULT_MAX_PAGES,
  DEFAULT_MAX_STREAM_BYTES,
  DEFAULT_TIMEOUT_MS,
} from './constants.js';
export type {
  CapExceeded,
  CapName,
  DocumentVerifier,
  IdentityMatch,
  PdfVerifierOptions,
  RejectReason,
  VehicleIdentity,
  VerifiedDocument,
} from './types.js';
