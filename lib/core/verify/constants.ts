/*
 * The facts verification relies on. The caps themselves (decoded bytes per stream and per
 * document, pages, heap, time) are settings (lib/settings: verifyMaxStreamMb, ...), sized for
 * dealer documents (a few pages, content streams of kilobytes, font files of up to a few MB)
 * with a wide margin, and small enough that a thread at its caps stays around 450 MB beside
 * Chromium in a 2 GB Lambda. Powers of two on purpose: pdf.js grows a stream's buffer by
 * doubling (see decoded-bytes-meter.ts).
 */

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
