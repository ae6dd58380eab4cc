import { constants, deflateRawSync } from 'node:zlib';
import { binaryPdf, HELVETICA_RESOURCES, pageTree, type PdfObject } from '../core/verify/pdf-fixtures.js';

/**
 * Hostile PDFs built in memory: decompression bombs and documents far beyond a vehicle's,
 * each naming the vehicle on page 1 so that only a cap can refuse them.
 */

export const MiB = 1024 * 1024;

/**
 * A zlib stream that inflates to `prefix` followed by zeros, about `decodedBytes` in all, at
 * deflate's best ratio (about 1:1030) without ever holding the inflated bytes: the prefix and
 * 64 KiB of zeros, then one block of 1 MiB of zeros compressed against a window of zeros
 * (a preset dictionary), repeated, then an empty final block and the Adler-32.
 */
export function zeroBomb(decodedBytes: number, prefix = ''): Buffer {
  const head = Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.alloc(HEAD_ZEROS)]);
  const sync = { finishFlush: constants.Z_SYNC_FLUSH };
  const blocks = Math.max(0, Math.floor((decodedBytes - head.length) / MiB));
  const middle = deflateRawSync(Buffer.alloc(MiB), { ...sync, dictionary: Buffer.alloc(32 * 1024) });
  const total = head.length + blocks * MiB;
  return Buffer.concat([
    Buffer.from([0x78, 0x9c]),
    deflateRawSync(head, sync),
    ...Array.from({ length: blocks }, () => middle),
    deflateRawSync(Buffer.alloc(0)),
    adler32(head, total - head.length),
  ]);
}

const HEAD_ZEROS = 64 * 1024;

/** Adler-32 of `bytes` followed by `zeros` zero bytes (each zero adds the running sum `a` to `b`). */
function adler32(bytes: Buffer, zeros: number): Buffer {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  b = (b + a * (zeros % 65521)) % 65521;
  const out = Buffer.alloc(4);
  out.writeUInt32BE(((b << 16) | a) >>> 0);
  return out;
}

/** Decoded size of zeroBomb(decodedBytes, prefix). */
export function zeroBombSize(decodedBytes: number, prefix = ''): number {
  const head = prefix.length + HEAD_ZEROS;
  return head + Math.max(0, Math.floor((decodedBytes - head) / MiB)) * MiB;
}

const NAMES_VEHICLE = 'BT /F1 12 Tf 50 700 Td (Reference: 40213377) Tj ET\n';

/** One page, one content stream that inflates to `decodedBytes` (text first, then zeros: whitespace to pdf.js). */
export function inflateBomb(decodedBytes: number): Buffer {
  return onePage([{ dict: '<< /Filter /FlateDecode >>', stream: zeroBomb(decodedBytes, NAMES_VEHICLE) }]);
}

/** One page whose /Contents are `streams` separate streams, each inflating to `decodedBytes`. */
export function multiStreamBomb(streams: number, decodedBytes: number): Buffer {
  const bomb = zeroBomb(decodedBytes, NAMES_VEHICLE);
  return onePage(Array.from({ length: streams }, () => ({ dict: '<< /Filter /FlateDecode >>', stream: bomb })));
}

/** `pages` pages that all draw one shared content stream inflating to `decodedBytes`. */
export function sharedContentBomb(pages: number, decodedBytes: number): Buffer {
  const pageNumbers = Array.from({ length: pages }, (_, i) => 4 + i);
  return binaryPdf([
    ...pageTree(pageNumbers),
    { dict: '<< /Filter /FlateDecode >>', stream: zeroBomb(decodedBytes, NAMES_VEHICLE) },
    ...pageNumbers.map(() => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources ${HELVETICA_RESOURCES} /Contents 3 0 R >>`),
  ]);
}

/** `pages` real pages, each naming the vehicle (small: a few hundred bytes a page). */
export function manyPages(pages: number): Buffer {
  const pageNumbers = Array.from({ length: pages }, (_, i) => 4 + i);
  return binaryPdf([
    ...pageTree(pageNumbers),
    { dict: '<< >>', stream: Buffer.from(NAMES_VEHICLE, 'latin1') },
    ...pageNumbers.map(() => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources ${HELVETICA_RESOURCES} /Contents 3 0 R >>`),
  ]);
}

/**
 * A content stream of `decodedBytes` of `(A) '` (next line, show "A"): little decoded data,
 * but every operator becomes a text item of its own on pdf.js's heap, and takes CPU.
 */
export function textItemsBomb(decodedBytes: number): Buffer {
  const stream = Buffer.concat([
    Buffer.from(`BT /F1 1 Tf 1 TL 50 700 Td (Reference: 40213377) Tj\n`, 'latin1'),
    Buffer.alloc(decodedBytes, "(A) ' ", 'latin1'),
    Buffer.from('\nET', 'latin1'),
  ]);
  return onePage([{ dict: '<< >>', stream }]);
}

function onePage(contents: PdfObject[]): Buffer {
  const refs = contents.map((_, i) => `${4 + i} 0 R`).join(' ');
  return binaryPdf([
    ...pageTree([3]),
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources ${HELVETICA_RESOURCES} /Contents [${refs}] >>`,
    ...contents,
  ]);
}

/** One TJ whose array holds `elements` strings: the content parser builds it whole on the heap. */
export function hugeArrayBomb(elements: number): Buffer {
  const stream = Buffer.concat([
    Buffer.from('BT /F1 12 Tf 50 700 Td (Reference: 40213377) Tj\n[', 'latin1'),
    Buffer.alloc(elements * 4, '(A)1', 'latin1'),
    Buffer.from('] TJ\nET', 'latin1'),
  ]);
  return onePage([{ dict: '<< >>', stream }]);
}
