import { afterAll, describe, expect, it } from 'vitest';
import { DocumentRejectedError } from '../../../lib/core/errors.js';
import { PdfVerifier } from '../../../lib/core/verify/index.js';
import { encryptedPdf } from './encrypted-pdf.js';
import { pageText } from './page-text.js';

const VEHICLE = { ref: '40213377', vin: '1HGCM82633A004352' };
const verifier = new PdfVerifier();
afterAll(() => verifier.close());

async function rejection(body: Buffer): Promise<DocumentRejectedError> {
  const error = await verifier.verify(body, VEHICLE).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentRejectedError);
  return error as DocumentRejectedError;
}

describe.each(['rc4', 'aes'] as const)('PDFs encrypted with an empty user password (%s-128, as portals that restrict printing make them)', (cipher) => {
  it('are read and verified', async () => {
    const pdf = encryptedPdf(['Valuation report', `Reference: ${VEHICLE.ref}`, `VIN: ${VEHICLE.vin}`], { cipher });
    // The bytes really are encrypted: the text is not in the file.
    expect(pdf.includes('Reference')).toBe(false);
    expect(pdf.toString('latin1')).toMatch(cipher === 'rc4' ? /\/V 2 \/R 3 \/Length 128/ : /\/CFM \/AESV2/);
    expect(await pageText(pdf)).toContain(`Reference: ${VEHICLE.ref}`);
    const verified = await verifier.verify(pdf, VEHICLE);
    expect(verified.matched).toEqual(['ref', 'vin']);
    expect(verified.pages).toBe(1);
  });

  it("are still refused when they are another vehicle's, or name the vehicle only in their (encrypted) Info title", async () => {
    const other = await rejection(encryptedPdf(['Reference: 999123', 'VIN: 2T1BURHE0JC074123'], { cipher }));
    expect(other.reason).toBe('wrong_vehicle');
    expect(other.message).toBe(`PDF is for ref 999123 / VIN 2T1BURHE0JC074123, expected ref ${VEHICLE.ref} / VIN ${VEHICLE.vin}`);
    const titleOnly = await rejection(encryptedPdf(['Service temporarily unavailable'], { cipher, title: `Report ${VEHICLE.ref}` }));
    expect(titleOnly.reason).toBe('identity_missing');
    expect(titleOnly.message).toMatch(/\(text starts "Service temporarily unavailable"\)$/);
  });

  it('are refused with a clear message when they need a real user password', async () => {
    const locked = encryptedPdf([`Reference: ${VEHICLE.ref}`], { cipher, userPassword: 'secret' });
    const error = await rejection(locked);
    expect(error.reason).toBe('identity_missing');
    expect(error.message).toBe(
      `PDF needs a password to open (encrypted with a user password), so its text cannot show ref ${VEHICLE.ref} / VIN ${VEHICLE.vin}`,
    );
  });
});
