import { PDFArray, PDFContext, PDFDict, PDFHexString, PDFRawStream, PDFRef, PDFString } from 'pdf-lib';
import type { PDFObject } from 'pdf-lib';
import { ContentReader } from './pdf-content.js';
import type { FontInfo } from './pdf-fonts.js';
import { decodeStream, N, SyncPdfParser } from './pdf-parser.js';
import type { PdfText } from './types.js';

export { CMap } from './pdf-fonts.js';

/*
 * Text extraction for document verification: parse the objects (pdf-parser.ts), walk the page
 * tree, and interpret the text operators of each content stream (pdf-content.ts) with the
 * fonts' Unicode mappings and widths (pdf-fonts.ts).
 */

/** Text is read from at most this many pages; a vehicle document has a handful. */
const MAX_TEXT_PAGES = 100;

/**
 * The text a PDF shows: Info Title/Subject/Keywords, then, per page, the strings of the text
 * operators (Tj, TJ, ', ") of its content streams and of Form XObjects one level down, mapped
 * to Unicode through each font's ToUnicode CMap (or its simple encoding), with spaces and
 * newlines inferred from glyph positions. Throws when the bytes cannot be parsed as a PDF.
 */
export function extractPdfText(bytes: Uint8Array): PdfText {
  const headerOffset = findPdfHeader(bytes);
  if (headerOffset < 0) throw new Error('no %PDF- header');
  const context = PDFContext.create();
  const parser = SyncPdfParser.of(bytes, context);
  parser.parseAll(headerOffset);

  const catalog = findCatalog(context, parser.root);
  if (!catalog) throw new Error('no document catalog');
  const pages: { page: PDFDict; resources: PDFDict | undefined }[] = [];
  collectPages(catalog.lookup(N.Pages), undefined, pages, new Set());

  const out: string[] = [];
  const info = parser.info ? context.lookup(parser.info) : undefined;
  if (info instanceof PDFDict) {
    for (const key of [N.Title, N.Subject, N.Keywords]) {
      const value = textOf(info.lookup(key));
      if (value) out.push(value, '\n');
    }
  }
  if (!parser.encrypted) {
    const fonts = new Map<PDFDict, FontInfo>();
    for (const { page, resources } of pages.slice(0, MAX_TEXT_PAGES)) {
      const reader = new ContentReader(fonts, out);
      reader.run(contentBytes(page.lookup(N.Contents)), resources, 0);
      fieldValues(page, out);
      out.push('\n');
    }
  }
  let text = out.join('');
  // Ligatures (U+FB01 "fi") and full-width forms become plain letters.
  if (/[^\x00-\x7f]/.test(text)) text = text.normalize('NFKC');
  return { text, pages: pages.length, encrypted: parser.encrypted };
}

/** Offset of `%PDF-` within the first 1024 bytes (the spec allows leading junk), or -1. */
export function findPdfHeader(bytes: Uint8Array): number {
  const limit = Math.min(bytes.length - 5, 1024);
  for (let i = 0; i <= limit; i++) {
    if (bytes[i] === 0x25 && bytes[i + 1] === 0x50 && bytes[i + 2] === 0x44 && bytes[i + 3] === 0x46 && bytes[i + 4] === 0x2d) {
      return i;
    }
  }
  return -1;
}

function findCatalog(context: PDFContext, root: PDFObject | undefined): PDFDict | undefined {
  const isCatalog = (o: PDFObject | undefined): o is PDFDict => o instanceof PDFDict && o.get(N.Type) === N.Catalog;
  const direct = root instanceof PDFRef ? context.lookup(root) : root;
  if (isCatalog(direct)) return direct;
  // Like pdf-lib: a broken trailer still leaves the catalog findable among the objects.
  for (const [, object] of context.enumerateIndirectObjects()) if (isCatalog(object)) return object;
  return undefined;
}

function collectPages(
  node: PDFObject | undefined,
  inherited: PDFDict | undefined,
  pages: { page: PDFDict; resources: PDFDict | undefined }[],
  seen: Set<PDFObject>,
): void {
  if (!(node instanceof PDFDict) || seen.has(node)) return;
  seen.add(node);
  const own = node.lookup(N.Resources);
  const resources = own instanceof PDFDict ? own : inherited;
  const kids = node.lookup(N.Kids);
  if (node.get(N.Type) === N.Page || !(kids instanceof PDFArray)) {
    pages.push({ page: node, resources });
    return;
  }
  for (let i = 0; i < kids.size(); i++) collectPages(kids.lookup(i), resources, pages, seen);
}

function contentBytes(contents: PDFObject | undefined): Uint8Array {
  if (contents instanceof PDFRawStream) return decodeStream(contents);
  if (!(contents instanceof PDFArray)) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < contents.size(); i++) {
    const part = contents.lookup(i);
    if (part instanceof PDFRawStream) parts.push(decodeStream(part), SPACE);
  }
  return Buffer.concat(parts);
}
const SPACE = new Uint8Array([0x20]);


function textOf(object: PDFObject | undefined): string | undefined {
  if (object instanceof PDFString || object instanceof PDFHexString) {
    try {
      return object.decodeText();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Filled-in form fields show their values through appearance streams; read the values directly. */
function fieldValues(page: PDFDict, out: string[]): void {
  const annots = page.lookup(N.Annots);
  if (!(annots instanceof PDFArray)) return;
  for (let i = 0; i < annots.size(); i++) {
    const annot = annots.lookup(i);
    if (!(annot instanceof PDFDict)) continue;
    let value = textOf(annot.lookup(N.V));
    if (value === undefined) {
      const parent = annot.lookup(N.Parent);
      if (parent instanceof PDFDict) value = textOf(parent.lookup(N.V));
    }
    if (value) out.push(' ', value, '\n');
  }
}
