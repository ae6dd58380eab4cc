/**
 * Defaults of PdfVerifierOptions and the fixed facts verification relies on.
 *
 * The caps are sized for dealer documents (valuation reports, window stickers: a few pages,
 * content streams of kilobytes, embedded font files of up to a few MB) with a wide margin, and
 * small enough that a worker thread at its caps stays far below a 2 GB Lambda beside Chromium:
 * decoded data (maxDocumentBytes) + JS heap (maxHeapMb) + the body + pdf.js itself, about 450 MB.
 * Powers of two on purpose: pdf.js grows a stream's buffer by doubling (see decoded-bytes-meter.ts).
 */

const MiB = 1024 * 1024;

/** Decoded bytes of one stream. A 32 MiB content stream is about 40 000 pages of text; a full CJK font file fits too. */
export const DEFAULT_MAX_STREAM_BYTES = 32 * MiB;

/** Decoded bytes over the whole document, every decoding counted (a content stream shared by 100 pages counts 100 times). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 128 * MiB;

/** Pages of one document. Dealer documents have 1 to 20; a page tree claiming thousands is refused before any page is read. */
export const DEFAULT_MAX_PAGES = 500;

/** JS heap of one worker thread (V8 old generation), MB: text items, fonts, operator state. */
export const DEFAULT_MAX_HEAP_MB = 256;

/**
 * Budget for one document in a worker thread, ms: the last resort against CPU-only hostile
 * documents (memory is capped by the meter and the heap limit long before). Normal documents
 * take milliseconds; a document that hits this is refused as too large.
 */
export const DEFAULT_TIMEOUT_MS = 20_000;

/** One thread per spare core, at most 2: verification is a small part of a vehicle's time. */
export const DEFAULT_MAX_THREADS = 2;

/** The spec allows junk before `%PDF-`; readers look this far. */
export const PDF_HEADER_WINDOW = 1024;

/** A PDF ends with `%%EOF`, give or take trailing junk; looking further back finds an earlier revision's. */
export const EOF_WINDOW = 2048;

/** How much of the page text a rejection quotes (characters). */
export const QUOTED_TEXT_CHARS = 60;

/** Other vehicles' refs and VINs a worker reports back (the message names 3 and counts the rest). */
export const MAX_REPORTED_OTHERS = 10;

/** Characters of another vehicle's ref a rejection quotes. */
export const MAX_QUOTED_REF_CHARS = 40;
