import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A PDF made by pdf-lib with Helvetica (hex strings, object streams), one text line per entry. */
export async function pdfLibPdf(
  lines: string[],
  options: { title?: string; useObjectStreams?: boolean; pages?: number } = {},
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < (options.pages ?? 1); p++) {
    const page = doc.addPage([612, 792]);
    for (const [i, line] of lines.entries()) page.drawText(line, { x: 50, y: 740 - i * 20, size: 12, font });
  }
  if (options.title) doc.setTitle(options.title);
  return Buffer.from(await doc.save({ useObjectStreams: options.useObjectStreams ?? true }));
}

/**
 * A hand-written PDF with a correct xref table. `objects[i]` is the body of object i + 1;
 * object 1 must be the catalog. A string containing `stream\n` gets its /Length filled in.
 */
export function rawPdf(objects: string[], options: { trailerExtra?: string; header?: string } = {}): Buffer {
  let out = options.header ?? '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${withLength(body)}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${options.trailerExtra ?? ''}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function withLength(body: string): string {
  const m = /^([\s\S]*?)stream\n([\s\S]*)\nendstream$/.exec(body);
  if (!m) return body;
  const dict = m[1]!.trim().replace(/>>$/, ` /Length ${Buffer.byteLength(m[2]!, 'latin1')} >>`);
  return `${dict}\nstream\n${m[2]}\nendstream`;
}

/** Catalog, page tree and one page whose content stream is `content`, plus `extra` objects from 5 on. */
export function onePagePdf(content: string, resources: string, extra: string[] = [], trailerExtra?: string): Buffer {
  return rawPdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources ${resources} /Contents 4 0 R >>`,
      `<< >>stream\n${content}\nendstream`,
      ...extra,
    ],
    { trailerExtra },
  );
}

/** An object of binaryPdf: a body (`<< ... >>`, a number) or a stream with its dictionary (`/Length` is added). */
export type PdfObject = string | { dict: string; stream: Buffer };

/**
 * Like rawPdf, for objects whose streams are binary (compressed, encrypted) or large: built as
 * Buffers, with a correct xref table. `objects[i]` is object i + 1; object 1 must be the catalog.
 */
export function binaryPdf(objects: PdfObject[], options: { trailerExtra?: string } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = parts[0]!.length;
  const push = (part: Buffer) => {
    parts.push(part);
    length += part.length;
  };
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(length);
    if (typeof object === 'string') {
      push(Buffer.from(`${i + 1} 0 obj\n${object}\nendobj\n`, 'latin1'));
      return;
    }
    const dict = object.dict.trim().replace(/>>$/, ` /Length ${object.stream.length} >>`);
    push(Buffer.from(`${i + 1} 0 obj\n${dict}\nstream\n`, 'latin1'));
    push(object.stream);
    push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  });
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) xref += `${String(o).padStart(10, '0')} 00000 n \n`;
  const startxref = length;
  push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${options.trailerExtra ?? ''}>>\nstartxref\n${startxref}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** Catalog and page tree objects for `pages` page objects starting at object 3 (Kids 3 0 R ...). */
export function pageTree(pageObjects: number[]): string[] {
  return ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${pageObjects.map((n) => `${n} 0 R`).join(' ')}] /Count ${pageObjects.length} >>`];
}

/** Helvetica, for hand-written content streams (`/F1`). */
export const HELVETICA_RESOURCES = '<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>';
