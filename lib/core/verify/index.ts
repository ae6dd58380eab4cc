export { DEFAULT_CAPS, PdfVerifier, verifierOptions } from './pdf-verifier.js';
export type { VerifierSettings } from './pdf-verifier.js';
export { matchIdentity } from './identity.js';
export { describeNotPdf } from './not-pdf.js';
export { findPdfHeader } from './pdf-header.js';
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
