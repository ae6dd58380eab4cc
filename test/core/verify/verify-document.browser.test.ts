import { createHash } from 'node:crypto';
import sparticuz from '@sparticuz/chromium';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentRejectedError } from '../../../lib/core/errors.js';
import { matchIdentity, PdfVerifier } from '../../../lib/core/verify/index.js';
import { pageText } from './page-text.js';
import { onePagePdf, pdfLibPdf, rawPdf } from './pdf-fixtures.js';

const VEHICLE = { ref: '40213377', vin: '1HGCM82633A004352' };
const OTHER_VIN = '2T1BURHE0JC074123';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());
const verifyDocument = (body: Buffer, vehicle: { ref: string; vin?: string }) => verifier.verify(body, vehicle);

async function rejection(body: Buffer, vehicle: { ref: string; vin?: string } = VEHICLE): Promise<DocumentRejectedError> {
  try {
    await verifyDocument(body, vehicle);
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentRejectedError);
    const rejected = error as DocumentRejectedError;
    expect(rejected.message).not.toMatch(/\n/);
    return rejected;
  }
  throw new Error('the document was accepted');
}

describe('PdfVerifier: what is not a PDF', () => {
  it('rejects a zero-byte body and a whitespace-only body as empty', async () => {
    expect((await rejection(Buffer.alloc(0))).reason).toBe('empty');
    const blank = (await rejection(Buffer.from('  \r\n\t\n')));
    expect(blank.reason).toBe('empty');
    expect(blank.message).toBe('got 6 bytes of whitespace instead of a PDF');
  });

  it('names the HTML page it got by its title (the login page after a session ended)', async () => {
    const html = '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Sign in &amp; continue</title></head><body><form id="login-form"></form></body></html>';
    const error = (await rejection(Buffer.from(html)));
    expect(error.reason).toBe('not_pdf');
    expect(error.message).toBe('got an HTML page ("Sign in & continue") instead of a PDF');
    expect((await rejection(Buffer.from('\uFEFF  <html><body>Error</body></html>'))).message).toBe('got an HTML page instead of a PDF');
  });

  it('says it got JSON', async () => {
    const error = (await rejection(Buffer.from('{"error":"not found","status":404}')));
    expect(error.reason).toBe('not_pdf');
    expect(error.message).toMatch(/^got JSON instead of a PDF \(\{"error":"not found"/);
  });

  it('says how many bytes of text or binary it got', async () => {
    expect((await rejection(Buffer.from('Service Unavailable'))).message).toBe('got 19 bytes of text ("Service Unavailable") instead of a PDF');
    const binary = Buffer.alloc(123);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 37) % 256;
    const error = (await rejection(binary));
    expect(error.reason).toBe('not_pdf');
    expect(error.message).toBe('got 123 bytes of binary instead of a PDF');
  });

  it('accepts up to 1024 junk bytes before %PDF-, not more', async () => {
    const pdf = await pdfLibPdf(['Reference: 40213377']);
    expect((await verifyDocument(Buffer.concat([Buffer.alloc(1000, 0x20), Buffer.from('junk\n'), pdf]), VEHICLE)).matched).toEqual(['ref']);
    expect((await rejection(Buffer.concat([Buffer.alloc(1100, 0x41), pdf]))).reason).toBe('not_pdf');
  });
});

describe('PdfVerifier: broken PDFs', () => {
  it('rejects a PDF cut in half as truncated', async () => {
    const pdf = await pdfLibPdf(['Reference: 40213377', `VIN: ${VEHICLE.vin}`], { useObjectStreams: false });
    const error = (await rejection(pdf.subarray(0, Math.floor(pdf.length / 2))));
    expect(error.reason).toBe('corrupt_pdf');
    expect(error.message).toMatch(/truncated/);
  });

  it('rejects a body with a PDF header and trailer but nothing readable', async () => {
    const error = (await rejection(Buffer.from('%PDF-1.7\nthis is not a pdf at all\n%%EOF\n')));
    expect(error.reason).toBe('corrupt_pdf');
    expect(error.message).toMatch(/^PDF cannot be parsed: /);
  });

  it('rejects a PDF whose trailer lost /Root and has no xref table (pdf.js finds no catalog to start from)', async () => {
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n' +
        '3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n4 0 obj << >> stream\nBT (Reference: 40213377) Tj ET\nendstream endobj\n' +
        'trailer << /Size 5 >>\n%%EOF\n',
      'latin1',
    );
    const error = await rejection(pdf);
    expect(error.reason).toBe('corrupt_pdf');
    expect(error.message).toBe('PDF cannot be parsed: Invalid PDF structure.');
  });

  it('rejects a PDF without pages', async () => {
    // pdf-lib adds a blank page to a document without one, so this one is written by hand.
    const pdf = rawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>', '<< /Title (Reference: 40213377) >>'], {
      trailerExtra: '/Info 3 0 R',
    });
    const error = (await rejection(pdf));
    expect(error.reason).toBe('corrupt_pdf');
    expect(error.message).toBe('PDF has no pages');
  });
});

describe('PdfVerifier: whose document is it', () => {
  it('accepts this vehicle\'s pdf-lib PDF with ref and VIN, returning bytes, sha256 and pages', async () => {
    const pdf = await pdfLibPdf(['Valuation report', 'Reference: 40213377', `VIN: ${VEHICLE.vin}`], { pages: 2 });
    const verified = (await verifyDocument(pdf, VEHICLE));
    expect(verified.matched).toEqual(['ref', 'vin']);
    expect(verified.pages).toBe(2);
    expect(verified.bytes).toBe(pdf);
    expect(verified.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
  });

  it('matches the ref alone when the vehicle has no VIN, and the VIN alone case-insensitively', async () => {
    const pdf = await pdfLibPdf(['Reference: 40213377', `VIN: ${VEHICLE.vin}`]);
    expect((await verifyDocument(pdf, { ref: '40213377' })).matched).toEqual(['ref']);
    const vinOnly = await pdfLibPdf([`Vehicle ${VEHICLE.vin.toLowerCase()}`]);
    expect((await verifyDocument(vinOnly, VEHICLE)).matched).toEqual(['vin']);
    expect((await verifyDocument(vinOnly, { ref: 'x', vin: VEHICLE.vin.toLowerCase() })).matched).toEqual(['vin']);
  });

  it("rejects another vehicle's PDF as wrong_vehicle, naming both", async () => {
    const pdf = await pdfLibPdf(['Reference: 999123', `VIN: ${OTHER_VIN}`]);
    const error = (await rejection(pdf));
    expect(error.reason).toBe('wrong_vehicle');
    expect(error.wrongVehicle).toBe(true);
    expect(error.message).toBe(`PDF is for ref 999123 / VIN ${OTHER_VIN}, expected ref 40213377 / VIN ${VEHICLE.vin}`);
  });

  it('rejects a PDF naming the right ref but another VIN (a mixed-up document)', async () => {
    const error = (await rejection(await pdfLibPdf(['Reference: 40213377', `VIN: ${OTHER_VIN}`])));
    expect(error.reason).toBe('wrong_vehicle');
    expect(error.message).toBe(`PDF is for ref 40213377 / VIN ${OTHER_VIN}, expected ref 40213377 / VIN ${VEHICLE.vin}`);
  });

  it('rejects a PDF naming the right VIN but another ref', async () => {
    const error = (await rejection(await pdfLibPdf(['Reference: 55501', `VIN: ${VEHICLE.vin}`])));
    expect(error.reason).toBe('wrong_vehicle');
    expect(error.message).toMatch(/^PDF is for ref 55501 \/ VIN 1HGCM82633A004352, expected/);
  });

  it('rejects a PDF that names another VIN, even for a vehicle without a known VIN', async () => {
    const error = (await rejection(await pdfLibPdf([`VIN: ${OTHER_VIN}`]), { ref: '40213377' }));
    expect(error.reason).toBe('wrong_vehicle');
  });

  it('rejects a PDF naming nobody as identity_missing, quoting the start of its text', async () => {
    const error = (await rejection(await pdfLibPdf(['Valuation report', 'Mileage 42000'])));
    expect(error.reason).toBe('identity_missing');
    expect(error.message).toBe(
      'PDF names neither ref 40213377 nor VIN 1HGCM82633A004352 (text starts "Valuation report Mileage 42000")',
    );
    const blank = (await rejection(await pdfLibPdf([]), { ref: '40213377' }));
    expect(blank.message).toBe('PDF does not name ref 40213377 (it has no extractable text)');
  });

  it('does not find ref 1234 inside 12345 (the substring trap)', async () => {
    const vehicle = { ref: '1234' };
    const labelled = (await rejection(await pdfLibPdf(['Reference: 12345']), vehicle));
    expect(labelled.reason).toBe('wrong_vehicle');
    expect(labelled.message).toBe('PDF is for ref 12345, expected ref 1234');
    for (const text of ['Invoice 12345', 'Stock A-1234', 'Lot 1234.5', 'Code 01234', 'x1234']) {
      expect((await rejection(await pdfLibPdf([text]), vehicle)).reason, text).toBe('identity_missing');
    }
    for (const text of ['Reference: 1234.', 'Ref #1234', '(1234)', 'Vehicle 1234, silver', 'Ref:1234']) {
      expect((await verifyDocument(await pdfLibPdf([text]), vehicle)).matched, text).toEqual(['ref']);
    }
  });

  it('does not take the ref from the Info title: only the text the pages show counts', async () => {
    const pdf = await pdfLibPdf(['Service temporarily unavailable'], { title: 'Report 40213377' });
    const error = await rejection(pdf);
    expect(error.reason).toBe('identity_missing');
    expect(error.message).toMatch(/\(text starts "Service temporarily unavailable"\)$/);
  });

  it('reads the newest revision of an incrementally updated PDF', async () => {
    const original = onePagePdf('BT /F1 12 Tf 50 700 Td (Reference: 40213377) Tj ET', '<< /Font << /F1 5 0 R >> >>', [
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ]);
    const content = 'BT /F1 12 Tf 50 700 Td (Reference: 777001) Tj ET';
    const update =
      `4 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n` +
      `xref\n4 1\n${String(original.length).padStart(10, '0')} 00000 n \ntrailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n0\n%%EOF\n`;
    const error = (await rejection(Buffer.concat([original, Buffer.from(update, 'latin1')])));
    expect(error.reason).toBe('wrong_vehicle');
    expect(error.message).toMatch(/^PDF is for ref 777001/);
  });

  it('refuses an /Encrypt dictionary that no security handler can use (no /O, /U keys) as corrupt', async () => {
    const pdf = onePagePdf('BT (garbled) Tj ET', '<< >>', ['<< /Filter /Standard /V 1 /R 2 >>'], '/Encrypt 5 0 R');
    const error = await rejection(pdf);
    expect(error.reason).toBe('corrupt_pdf');
    expect(error.message).toMatch(/^PDF cannot be parsed: /);
  });

  it('answers a mangled PDF with a verdict, never a crash or a hang', async () => {
    const pdf = await pdfLibPdf(['Reference: 40213377', `VIN: ${VEHICLE.vin}`], { useObjectStreams: false });
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let k = 0; k < 300; k++) {
      const bytes = Buffer.from(pdf);
      for (let j = 0; j < 1 + Math.floor(random() * 6); j++) {
        bytes[Math.floor(random() * bytes.length)] = random() < 0.5 ? Math.floor(random() * 256) : '()<>[]/%0 \n'.charCodeAt(Math.floor(random() * 11));
      }
      try {
        expect((await verifyDocument(bytes, VEHICLE)).matched.length).toBeGreaterThan(0);
      } catch (error) {
        expect(error).toBeInstanceOf(DocumentRejectedError);
      }
    }
  });

  it('verifies document after document on the same worker thread, and many at once in order of their vehicles', async () => {
    const pdfs = await Promise.all([0, 1, 2, 3].map((i) => pdfLibPdf([`Reference: 4021337${i}`])));
    for (let round = 0; round < 25; round++) {
      const verified = await Promise.all(pdfs.map((pdf, i) => verifyDocument(pdf, { ref: `4021337${i}` })));
      expect(verified.map((v) => v.bytes)).toEqual(pdfs);
    }
    expect(verifier.threads).toBe(verifier.caps.threads);
  });
});

describe('PdfVerifier on PDFs printed by a real Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: await sparticuz.executablePath(), args: sparticuz.args, headless: true });
    // @sparticuz's arguments make Chromium single-process: closing a page would end the browser, so one page prints all.
    page = await browser.newPage();
  });
  afterAll(async () => browser?.close());

  async function print(html: string): Promise<Buffer> {
    await page.setContent(html);
    return page.pdf();
  }

  it('reads text through the ToUnicode CMaps of Identity-H fonts', async () => {
    const pdf = await print('<p>Reference: 40213377 VIN: 1HGCM82633A004352</p>');
    expect(await pageText(pdf)).toContain('Reference: 40213377 VIN: 1HGCM82633A004352');
    const verified = await verifyDocument(pdf, VEHICLE);
    expect(verified.matched).toEqual(['ref', 'vin']);
    expect(verified.pages).toBe(1);
  });

  it('separates table cells and lines, and expands ligatures', async () => {
    const pdf = await print(
      '<h1>Valuation</h1><table><tr><td>Reference</td><td>40213377</td></tr><tr><td>VIN</td><td>1HGCM82633A004352</td></tr></table>' +
        '<p style="font-family: serif">office fluff</p>',
    );
    const text = await pageText(pdf);
    expect(text).toMatch(/Reference\s+40213377/);
    expect(text).toMatch(/VIN\s+1HGCM82633A004352/);
    expect(text).toContain('office fluff');
    expect((await verifyDocument(pdf, VEHICLE)).matched).toEqual(['ref', 'vin']);
  });

  it("rejects another vehicle's Chromium PDF, and a truncated one", async () => {
    const other = await print(`<p>Reference: 40213378</p><p>VIN: ${OTHER_VIN}</p>`);
    expect((await rejection(other)).reason).toBe('wrong_vehicle');
    const mine = await print('<p>Reference: 40213377 VIN: 1HGCM82633A004352</p>');
    expect((await rejection(mine.subarray(0, Math.floor(mine.length / 2)))).reason).toBe('corrupt_pdf');
  });

  it('matches the ref as a whole token in Chromium text too', async () => {
    const pdf = await print('<p>Reference: 402133770</p>');
    expect((await rejection(pdf, { ref: '40213377' })).reason).toBe('wrong_vehicle');
  });
});

describe('matchIdentity', () => {
  it('ignores labels followed by words and 17-digit numbers', async () => {
    const text = 'Reference: see page 2. Tracking 12345678901234567. Reference 40213377';
    expect(matchIdentity(text, VEHICLE)).toEqual({ matched: ['ref'], otherRefs: [], otherVins: [] });
  });

  it('collects other labelled refs and VINs, not this vehicle\'s own', () => {
    const text = `Ref. No.: 40213377 Reference Number: 5551 VIN ${VEHICLE.vin} comparable ${OTHER_VIN.toLowerCase()}`;
    expect(matchIdentity(text, VEHICLE)).toEqual({ matched: ['ref', 'vin'], otherRefs: ['5551'], otherVins: [OTHER_VIN] });
  });

  it('treats a ref label holding this vehicle\'s VIN as the same vehicle', () => {
    expect(matchIdentity(`Reference: ${VEHICLE.vin}`, VEHICLE)).toEqual({ matched: ['vin'], otherRefs: [], otherVins: [] });
  });
});

describe('pdf-lib fonts', () => {
  it('puts a space between separately drawn words on one line (standard fonts carry no widths)', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.HelveticaBold);
    const page = doc.addPage();
    page.drawText('Reference:', { x: 50, y: 700, size: 12, font });
    page.drawText('40213377', { x: 115, y: 700, size: 12, font });
    const pdf = Buffer.from(await doc.save());
    expect(await pageText(pdf)).toContain('Reference: 40213377');
  });
});
