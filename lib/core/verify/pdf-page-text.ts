import type { PDFDocumentLoadingTask, PDFDocumentProxy, TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { CapExceededError } from './errors.js';
import type { DecodedBytesMeter } from './decoded-bytes-meter.js';
import type { CapExceeded, DocumentCaps } from './types.js';

/** The part of pdf.js's API this module uses (the legacy build's `pdf.mjs`). */
export interface PdfJsApi {
  getDocument(src: Record<string, unknown>): PDFDocumentLoadingTask;
  VerbosityLevel: { ERRORS: number };
}

/** What reading a document gave: its page text, or why there is none. */
export type PageTextResult =
  | { kind: 'read'; pages: number; text: string }
  | { kind: 'too_large'; exceeded: CapExceeded }
  | { kind: 'password' }
  | { kind: 'corrupt'; message: string };

/**
 * The text a viewer shows on each page of `data` (pdf.js getTextContent; pages separated by a
 * newline, lines by a newline), never the document's metadata. Runs in a worker thread with
 * `meter` installed there; `data` is handed over to pdf.js (detached).
 */
export async function readPageText(pdfjs: PdfJsApi, data: Uint8Array, caps: DocumentCaps, meter: DecodedBytesMeter): Promise<PageTextResult> {
  let stop!: (exceeded: CapExceeded) => void;
  // Settles as soon as the meter trips, so a page pdf.js keeps reading leniently is not waited for.
  const tripped = new Promise<never>((_, reject) => {
    stop = (exceeded) => reject(new CapExceededError(exceeded));
  });
  tripped.catch(() => undefined);
  meter.begin(caps, stop);
  const task = pdfjs.getDocument({
    data,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    // No code generated from a document's fonts, no WebAssembly decoders, no font or CMap fetches.
    isEvalSupported: false,
    useWasm: false,
    useSystemFonts: false,
    disableFontFace: true,
    enableXfa: false,
    stopAtErrors: false,
  });
  try {
    const doc = await Promise.race([task.promise, tripped]);
    if (doc.numPages > caps.maxPages) return { kind: 'too_large', exceeded: { cap: 'maxPages', size: doc.numPages, limit: caps.maxPages } };
    if (doc.numPages === 0) return { kind: 'corrupt', message: 'PDF has no pages' };
    const text = await Promise.race([pagesText(doc), tripped]);
    return meter.exceeded ? { kind: 'too_large', exceeded: meter.exceeded } : { kind: 'read', pages: doc.numPages, text };
  } catch (error) {
    if (meter.exceeded) return { kind: 'too_large', exceeded: meter.exceeded };
    if (error instanceof CapExceededError) return { kind: 'too_large', exceeded: error.exceeded };
    if ((error as { name?: string } | null)?.name === 'PasswordException') return { kind: 'password' };
    return { kind: 'corrupt', message: error instanceof Error ? error.message : String(error) };
  } finally {
    await task.destroy().catch(() => undefined);
    meter.end();
  }
}

async function pagesText(doc: PDFDocumentProxy): Promise<string> {
  const out: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    out.push(joinItems(content.items.filter((item): item is TextItem => 'str' in item)));
    page.cleanup();
  }
  return out.join('\n');
}

/**
 * The items' strings, a newline where pdf.js marks a line end or where the next item sits on
 * another line without one (pdf.js marks none when text continues in a Form XObject or a new
 * text object): "Ref 1234" above "Stock 9" must not read "Ref 1234Stock 9".
 */
export function joinItems(items: readonly TextItem[]): string {
  let text = '';
  let last: TextItem | undefined;
  for (const item of items) {
    if (last && !last.hasEOL && item.str && !/\s$/.test(text) && !sameLine(last, item)) text += '\n';
    text += item.hasEOL ? `${item.str}\n` : item.str;
    if (item.str || item.hasEOL) last = item;
  }
  return text;
}

/** Same orientation and baselines closer than half the text height. */
function sameLine(a: TextItem, b: TextItem): boolean {
  const [a0, a1, a2, a3, a4, a5] = a.transform as number[];
  const [b0, b1, b2, b3, b4, b5] = b.transform as number[];
  if (Math.sign(a0!) !== Math.sign(b0!) || Math.sign(a1!) !== Math.sign(b1!) || Math.sign(a2!) !== Math.sign(b2!) || Math.sign(a3!) !== Math.sign(b3!)) {
    return false;
  }
  // Distance across the baseline: along y for horizontal text, along x for vertical.
  const across = Math.abs(a1!) > Math.abs(a0!) ? Math.abs(a4! - b4!) : Math.abs(a5! - b5!);
  const height = Math.max(a.height, b.height, Math.hypot(a2!, a3!), 1);
  return across < height / 2;
}
