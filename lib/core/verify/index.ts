export { verifyDocument, matchIdentity, describeNotPdf } from './verify-document.js';
export { extractPdfText, findPdfHeader, CMap } from './pdf-text.js';
export type { PdfText, IdentityMatch, VehicleIdentity, RejectReason, VerifiedDocument } from './types.js';
