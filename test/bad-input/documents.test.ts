import { afterAll, describe, expect, it } from 'vitest';
import { DocumentRejectedError } from '../../lib/core/errors.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { renderValuationPdf } from '../../lib/demo-portal/pdf.js';
import type { DemoVehicle } from '../../lib/demo-portal/types.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

const VEHICLE: DemoVehicle = {
  ref: 'VAL-000123',
  vin: '1HGCM82633A004352',
  year: 2019,
  make: 'Honda',
  model: 'Accord',
  trim: 'EX',
  mileage: 42_000,
  stockNumber: 'S123',
  status: 'In stock',
  price: 18_500,
};
const IDENTITY = { ref: VEHICLE.ref, vin: VEHICLE.vin };

/** The rejection PdfVerifier.verify gives `body`: its reason and its one-line message. */
async function rejection(body: Buffer): Promise<{ reason: string; message: string }> {
  try {
    await verifier.verify(body, IDENTITY);
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentRejectedError);
    const { reason, message } = error as DocumentRejectedError;
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(300);
    return { reason, message };
  }
  throw new Error('expected the body to be rejected');
}

describe('a PDF URL that returns something else (PdfVerifier)', () => {
  it('the real document is accepted (control)', async () => {
    const pdf = await renderValuationPdf(VEHICLE);
    expect((await verifier.verify(pdf, IDENTITY)).matched).toContain('ref');
  });

  it.each([
    ['an HTML login page', Buffer.from('<!DOCTYPE html><html><head><title>Session expired</title></head><body>log in</body></html>'), 'not_pdf', /HTML page \("Session expired"\) instead of a PDF/],
    ['an HTML page without a title', Buffer.from('<html><body>oops</body></html>'), 'not_pdf', /HTML page instead of a PDF/],
    ['a JSON error', Buffer.from('{"error":"rate limited","retryAfter":5}'), 'not_pdf', /JSON/i],
    ['zero bytes', Buffer.alloc(0), 'empty', /empty body \(0 bytes\)/],
    ['only whitespace', Buffer.from(' \r\n\t\n'), 'empty', /5 bytes of whitespace/],
    ['binary junk', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'not_pdf', /./],
  ])('%s is refused (%s) with one line saying what it got', async (_what, body, reason, message) => {
    const got = await rejection(body);
    expect(got.reason).toBe(reason);
    expect(got.message).toMatch(message);
  });

  it.each([
    ['cut in half', (pdf: Buffer) => pdf.subarray(0, Math.floor(pdf.length / 2)), /truncated: no %%EOF/],
    ['only the header', (pdf: Buffer) => pdf.subarray(0, 16), /truncated/],
    ['the middle zeroed but %%EOF kept', (pdf: Buffer) => Buffer.concat([pdf.subarray(0, 20), Buffer.alloc(pdf.length - 40), pdf.subarray(pdf.length - 20)]), /PDF (cannot be parsed|has no pages)|names neither/],
  ])('a truncated or corrupt PDF (%s) is refused as corrupt, in one line', async (_what, cut, message) => {
    const pdf = await renderValuationPdf(VEHICLE);
    const got = await rejection(cut(pdf));
    expect(['corrupt_pdf', 'identity_missing']).toContain(got.reason);
    expect(got.message).toMatch(message);
  });

  it("another vehicle's PDF is refused as wrong_vehicle naming both", async () => {
    const other = await renderValuationPdf({ ...VEHICLE, ref: 'VAL-000999', vin: '2HGFG12698H500000' });
    const got = await rejection(other);
    expect(got.reason).toBe('wrong_vehicle');
    expect(got.message).toMatch(/VAL-000999.*expected.*VAL-000123/);
  });
});
