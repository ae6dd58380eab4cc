import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findPdfHeader } from '../../../lib/core/verify/index.js';
import { pageText } from './page-text.js';
import { onePagePdf, pdfLibPdf, rawPdf } from './pdf-fixtures.js';

const HELVETICA = '<< /Font << /F1 5 0 R >> >>';
const HELVETICA_FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
/** A simple font whose glyphs are all 500/1000 em wide. */
const WIDE_FONT = `<< /Type /Font /Subtype /TrueType /BaseFont /Test /FirstChar 32 /LastChar 126 /Widths [${Array(95).fill(500).join(' ')}] >>`;

describe('page text (pdf.js getTextContent): content stream strings', async () => {
  it('decodes literal string escapes: \\( \\) \\\\ \\n, octal and line continuations', async () => {
    const pdf = onePagePdf(
      'BT /F1 12 Tf 50 700 Td (Ref \\(1\\) a\\\\b \\101\\102C 40\\\n21) Tj ET',
      HELVETICA,
      [HELVETICA_FONT],
    );
    expect(await pageText(pdf)).toContain('Ref (1) a\\b ABC 4021');
  });

  it("reads hex strings, TJ arrays and the ' and \" operators, with lines and gaps as whitespace", async () => {
    const pdf = onePagePdf(
      [
        'BT /F1 10 Tf 14 TL 50 700 Td',
        '<5265663A> Tj',
        '[(40) -20 (2133) 10 (77)] TJ',
        "(second line) '",
        '1 0 (third line) "',
        'T* [(far) -3000 (apart)] TJ',
        'ET',
      ].join('\n'),
      HELVETICA,
      [WIDE_FONT],
    );
    const text = await pageText(pdf);
    expect(text).toContain('Ref:40213377\nsecond line\nthird line\nfar apart');
  });

  it('puts a space for a large TJ gap in a font without widths, and none for kerning', async () => {
    const pdf = onePagePdf('BT /F1 12 Tf 50 700 Td [(Ref) -20 (erence:) -400 (99)] TJ ET', HELVETICA, [HELVETICA_FONT]);
    expect(await pageText(pdf)).toContain('Reference: 99');
  });

  it('skips inline images whose bytes look like operators', async () => {
    const pdf = onePagePdf(
      'BI /W 4 /H 1 /BPC 8 /CS /G ID (junk) Tj ) ( EI\nBT /F1 12 Tf 50 700 Td (after the image) Tj ET',
      HELVETICA,
      [HELVETICA_FONT],
    );
    const text = await pageText(pdf);
    expect(text).toContain('after the image');
    expect(text).not.toContain('junk');
  });

  it('decodes FlateDecode content streams', async () => {
    const content = deflateSync(Buffer.from('BT /F1 12 Tf 50 700 Td (compressed 40213377) Tj ET')).toString('latin1');
    const pdf = rawPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 5 0 R >> >> >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R] >>',
      `<< /Filter /FlateDecode >>stream\n${content}\nendstream`,
      HELVETICA_FONT,
      '<< >>stream\nBT /F1 12 Tf 50 600 Td (second stream) Tj ET\nendstream',
    ]);
    // Resources inherited from the page tree node, content split over two streams.
    expect(await pageText(pdf)).toContain('compressed 40213377\nsecond stream');
  });

  it('follows Form XObjects all the way down, as a viewer shows them, each on its own line', async () => {
    const pdf = onePagePdf('q 1 0 0 1 10 10 cm /X1 Do Q', '<< /XObject << /X1 5 0 R >> /Font << /F1 7 0 R >> >>', [
      '<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X2 6 0 R >> /Font << /F1 7 0 R >> >> >>stream\nBT /F1 12 Tf 50 700 Td (in the form) Tj ET /X2 Do\nendstream',
      '<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] >>stream\nBT /F1 12 Tf 50 600 Td (two levels down) Tj ET\nendstream',
      HELVETICA_FONT,
    ]);
    expect(await pageText(pdf)).toContain('in the form\ntwo levels down');
  });

  it('puts a newline between text objects on different lines, so a ref never runs into the next word', async () => {
    const pdf = onePagePdf('BT /F1 12 Tf 50 700 Td (Ref 1234) Tj ET BT /F1 12 Tf 50 600 Td (Stock 9) Tj ET', HELVETICA, [HELVETICA_FONT]);
    expect(await pageText(pdf)).toContain('Ref 1234\nStock 9');
  });

  it('maps codes through a simple font Differences array', async () => {
    const pdf = onePagePdf('BT /F1 12 Tf 50 700 Td (Ref ABC) Tj ET', HELVETICA, [
      '<< /Type /Font /Subtype /Type1 /BaseFont /Custom /Encoding << /Differences [65 /four /zero /uni0032] >> >>',
    ]);
    expect(await pageText(pdf)).toContain('Ref 402');
  });

  it('maps 1-byte codes of a Type0 font through a ToUnicode CMap with bfrange arrays', async () => {
    const cmap = [
      '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
      '1 begincodespacerange <00> <FF> endcodespacerange',
      '1 beginbfchar <20> <0020> endbfchar',
      '2 beginbfrange <41> <43> [<0056> <0049> <004E>] <30> <39> <0030> endbfrange',
      'endcmap end end',
    ].join('\n');
    const cmapStream = `<< /Type /CMap /CMapName /OneByte /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>stream\n1 begincodespacerange <00> <FF> endcodespacerange\nendstream`;
    const pdf = onePagePdf('BT /F1 12 Tf 50 700 Td (ABC 1234) Tj ET', HELVETICA, [
      '<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding 6 0 R /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>',
      cmapStream,
      '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 500 >>',
      `<< >>stream\n${cmap}\nendstream`,
    ]);
    expect(await pageText(pdf)).toContain('VIN 1234');
  });

  it('does not read the Info dictionary or form field values without an appearance: a viewer shows neither', async () => {
    const pdf = rawPdf(
      [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [5 0 R] >>',
        '<< /Title (The title) /Subject <FEFF00530075006206A5> /Keywords (k1 k2) >>',
        '<< /Type /Annot /Subtype /Widget /FT /Tx /T (vin) /V (1HGCM82633A004352) >>',
      ],
      { trailerExtra: '/Info 4 0 R' },
    );
    const text = await pageText(pdf);
    expect(text).not.toContain('The title');
    expect(text).not.toContain('k1 k2');
    expect(text).not.toContain('1HGCM82633A004352');
    expect(text.trim()).toBe('');
  });

  it('skips junk between objects and rebuilds a missing xref table from the objects', async () => {
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nGARBAGE here\n' +
        '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n' +
        '3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n' +
        '4 0 obj << >> stream\nBT /F1 12 Tf (found it) Tj ET\nendstream endobj\n' +
        `5 0 obj ${HELVETICA_FONT} endobj\ntrailer << /Size 6 /Root 1 0 R >>\n%%EOF\n`,
      'latin1',
    );
    expect(await pageText(pdf)).toContain('found it');
  });

  it('reads pdf-lib documents saved with and without object streams', async () => {
    for (const useObjectStreams of [true, false]) {
      const pdf = await pdfLibPdf(['Reference: 40213377', 'Second line'], { useObjectStreams, pages: 3 });
      const text = await pageText(pdf);
      expect(text.split('Reference: 40213377')).toHaveLength(4);
      expect(text).toContain('Reference: 40213377\nSecond line');
    }
  });

  it('finds the %PDF- header within the first 1024 bytes only', () => {
    expect(findPdfHeader(Buffer.from('hello'))).toBe(-1);
    expect(findPdfHeader(Buffer.from('xx%PDF-1.7'))).toBe(2);
    expect(findPdfHeader(Buffer.concat([Buffer.alloc(1024, 0x20), Buffer.from('%PDF-1.7')]))).toBe(1024);
    expect(findPdfHeader(Buffer.concat([Buffer.alloc(1025, 0x20), Buffer.from('%PDF-1.7')]))).toBe(-1);
  });
});
