import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import * as pdfjsWorker from 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import { DEFAULT_CAPS } from '../../../lib/core/verify/index.js';
import { DecodedBytesMeter } from '../../../lib/core/verify/decoded-bytes-meter.js';
import { readPageText } from '../../../lib/core/verify/pdf-page-text.js';

(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = pdfjsWorker;

/**
 * The page text PdfVerifier's worker threads read, read here in the test's own thread (the
 * meter not installed: these fixtures are small) so tests can look at the text itself.
 */
export async function pageText(pdf: Buffer): Promise<string> {
  const caps = { maxStreamBytes: DEFAULT_CAPS.maxStreamBytes, maxDocumentBytes: DEFAULT_CAPS.maxDocumentBytes, maxPages: DEFAULT_CAPS.maxPages };
  const result = await readPageText(pdfjs, new Uint8Array(pdf), caps, new DecodedBytesMeter());
  if (result.kind !== 'read') throw new Error(`pdf.js did not read the PDF: ${JSON.stringify(result)}`);
  return result.text;
}
