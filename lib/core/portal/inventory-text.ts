import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';

/** A gzip export decompresses to at most this (an inventory of 100,000 rows is ~20 MB). */
const MAX_GUNZIPPED_BYTES = 512 * 1024 * 1024;

/**
 * The text of an inventory export's bytes. Portals send UTF-8 (with or without a BOM), but
 * some export UTF-16 with a BOM (Excel's "Unicode text") or gzip without Content-Encoding:
 * both are decoded here. Bytes that are still binary become a one-line InputError naming
 * what they look like, never the bytes themselves (they would end up in an error line).
 */
export function decodeInventoryBytes(bytes: Buffer): string {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    let inflated: Buffer;
    try {
      inflated = gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED_BYTES });
    } catch (error) {
      throw new InputError(`the inventory export is gzip data that does not decompress (${(error as Error).message.split('\n')[0]})`);
    }
    return decodeInventoryBytes(inflated);
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return swap16(bytes.subarray(2)).toString('utf16le');
  const text = bytes.toString('utf8');
  assertText(text);
  return text;
}

/** UTF-16BE as UTF-16LE (an odd last byte is dropped). */
function swap16(bytes: Buffer): Buffer {
  const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return even.swap16();
}

/** NUL bytes or mostly control characters: not a CSV in any encoding we read. */
function assertText(text: string): void {
  const head = text.slice(0, 4096);
  if (head.length === 0) return;
  // A stray NUL in a text export is a hostile cell (stripped where we write CSV), not binary.
  const looksUtf16 = halfNul(head.slice(0, 64));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: counting control characters is the point
  const control = (head.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g) ?? []).length;
  if (!looksUtf16 && control < head.length / 10) return;
  const what = looksUtf16 ? 'UTF-16 without a byte order mark' : 'binary data (not UTF-8, UTF-16 or gzip text)';
  throw new InputError(`the inventory export is ${what}; export it as UTF-8 CSV`);
}

/** Every other character NUL, as ASCII in UTF-16 read as UTF-8 looks. */
function halfNul(text: string): boolean {
  let nuls = 0;
  for (const ch of text) if (ch === '\u0000') nuls += 1;
  return text.length >= 4 && nuls * 2 >= text.length - 1;
}
