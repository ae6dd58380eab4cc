import { createHash } from 'node:crypto';
import { DocumentRejectedError } from '../errors.js';
import type { VerifiedDocument } from '../types.js';
import { EOF_WINDOW } from './constants.js';
import { describeIdentifiers } from './identity.js';
import { describeNotPdf, isBlank } from './not-pdf.js';
import { oneLine } from './one-line.js';
import { findPdfHeader } from './pdf-header.js';
import type { PageTextFindings, VehicleIdentity } from './types.js';

/**
 * What can be told without reading the PDF, on the caller's thread (a few KB looked at):
 * `empty`, `not_pdf` (says what it was instead), `corrupt_pdf` when truncated (no `%%EOF` near
 * the end: pdf.js would read what is left and might find the vehicle on page 1 of 3).
 */
export function precheck(body: Buffer): void {
  if (isBlank(body)) {
    throw new DocumentRejectedError(
      body.length === 0 ? 'got an empty body (0 bytes) instead of a PDF' : `got ${body.length} bytes of whitespace instead of a PDF`,
      'empty',
    );
  }
  if (findPdfHeader(body) < 0) throw new DocumentRejectedError(describeNotPdf(body), 'not_pdf');
  if (body.lastIndexOf('%%EOF', undefined, 'latin1') < Math.max(0, body.length - EOF_WINDOW)) {
    throw new DocumentRejectedError(`PDF is truncated: no %%EOF in its last 2 KB (${body.length} bytes)`, 'corrupt_pdf');
  }
}

/** pdf.js could not read the document (bad xref, broken objects, no pages, any exception). */
export function corrupt(message: string): DocumentRejectedError {
  if (message === 'PDF has no pages') return new DocumentRejectedError(message, 'corrupt_pdf');
  return new DocumentRejectedError(`PDF cannot be parsed: ${oneLine(message, 120) || 'pdf.js gave no reason'}`, 'corrupt_pdf');
}

/** The document opens only with a user password: its pages cannot be read, so neither can whose it is. */
export function needsPassword(vehicle: VehicleIdentity): DocumentRejectedError {
  return new DocumentRejectedError(
    `PDF needs a password to open (encrypted with a user password), so its text cannot show ${expected(vehicle)}`,
    'identity_missing',
  );
}

/**
 * Whose document the page text says it is: this vehicle's (verified), another's
 * (`wrong_vehicle`, even next to this vehicle's ref or VIN), or nobody's (`identity_missing`).
 */
export function judge(body: Buffer, findings: PageTextFindings, vehicle: VehicleIdentity): VerifiedDocument {
  const { identity } = findings;
  const mixedUp =
    identity.otherRefs.length > 0 || (identity.otherVins.length > 0 && (identity.matched.length === 0 || Boolean(vehicle.vin)));
  if (mixedUp) {
    const ownRef = identity.matched.includes('ref') ? [vehicle.ref] : [];
    const ownVin = identity.matched.includes('vin') && vehicle.vin ? [vehicle.vin.toUpperCase()] : [];
    const refs = [...ownRef, ...identity.otherRefs];
    const vins = [...ownVin, ...identity.otherVins];
    const counts = { refs: ownRef.length + findings.otherRefCount, vins: ownVin.length + findings.otherVinCount };
    throw new DocumentRejectedError(`PDF is for ${describeIdentifiers(refs, vins, counts)}, expected ${expected(vehicle)}`, 'wrong_vehicle');
  }
  if (identity.matched.length === 0) {
    const names = vehicle.vin ? `names neither ref ${vehicle.ref} nor VIN ${vehicle.vin}` : `does not name ref ${vehicle.ref}`;
    const detail = findings.textStart ? `text starts "${findings.textStart}"` : 'it has no extractable text';
    throw new DocumentRejectedError(`PDF ${names} (${detail})`, 'identity_missing');
  }
  return {
    bytes: body,
    sha256: createHash('sha256').update(body).digest('hex'),
    matched: identity.matched,
    pages: findings.pages,
  };
}

function expected(vehicle: VehicleIdentity): string {
  return describeIdentifiers([vehicle.ref], vehicle.vin ? [vehicle.vin] : []);
}
