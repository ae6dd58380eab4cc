import { createHash } from 'node:crypto';
import { DocumentRejectedError } from '../errors.js';
import type { VerifiedDocument } from '../types.js';
import { extractPdfText, findPdfHeader } from './pdf-text.js';
import type { IdentityMatch, PdfText, VehicleIdentity } from './types.js';

/** A PDF ends with `%%EOF`, give or take trailing junk; looking further back finds an earlier revision's. */
const EOF_WINDOW = 2048;

/**
 * Is `body` a PDF, and is it this vehicle's? Returns the verified document, or throws
 * DocumentRejectedError: `empty`, `not_pdf` (says what it was instead), `corrupt_pdf`
 * (truncated, unparseable, no pages), `wrong_vehicle` (names another ref or VIN, even next to
 * this vehicle's), `identity_missing` (names neither this vehicle's ref nor its VIN).
 */
export function verifyDocument(body: Buffer, vehicle: VehicleIdentity): VerifiedDocument {
  if (isBlank(body)) {
    throw new DocumentRejectedError(
      body.length === 0 ? 'got an empty body (0 bytes) instead of a PDF' : `got ${body.length} bytes of whitespace instead of a PDF`,
      'empty',
    );
  }
  const header = findPdfHeader(body);
  if (header < 0) throw new DocumentRejectedError(describeNotPdf(body), 'not_pdf');
  if (body.lastIndexOf('%%EOF', undefined, 'latin1') < Math.max(0, body.length - EOF_WINDOW)) {
    throw new DocumentRejectedError(`PDF is truncated: no %%EOF in its last 2 KB (${body.length} bytes)`, 'corrupt_pdf');
  }
  let extracted: PdfText;
  try {
    extracted = extractPdfText(body);
  } catch (error) {
    throw new DocumentRejectedError(`PDF cannot be parsed: ${oneLine(error instanceof Error ? error.message : String(error), 120)}`, 'corrupt_pdf');
  }
  if (extracted.pages === 0) throw new DocumentRejectedError('PDF has no pages', 'corrupt_pdf');

  const identity = matchIdentity(extracted.text, vehicle);
  const expected = describe([vehicle.ref], vehicle.vin ? [vehicle.vin] : []);
  const mixedUp =
    identity.otherRefs.length > 0 ||
    (identity.otherVins.length > 0 && (identity.matched.length === 0 || Boolean(vehicle.vin)));
  if (mixedUp) {
    const refs = [...(identity.matched.includes('ref') ? [vehicle.ref] : []), ...identity.otherRefs];
    const vins = [...(identity.matched.includes('vin') && vehicle.vin ? [vehicle.vin.toUpperCase()] : []), ...identity.otherVins];
    throw new DocumentRejectedError(`PDF is for ${describe(refs, vins)}, expected ${expected}`, 'wrong_vehicle');
  }
  if (identity.matched.length === 0) {
    const names = vehicle.vin ? `names neither ref ${vehicle.ref} nor VIN ${vehicle.vin}` : `does not name ref ${vehicle.ref}`;
    const text = oneLine(extracted.text, 60);
    const detail = extracted.encrypted
      ? 'it is encrypted, its text cannot be read'
      : text
        ? `text starts "${text}"`
        : 'it has no extractable text';
    throw new DocumentRejectedError(`PDF ${names} (${detail})`, 'identity_missing');
  }
  return {
    bytes: body,
    sha256: createHash('sha256').update(body).digest('hex'),
    matched: identity.matched,
    pages: extracted.pages,
  };
}

// ---------------------------------------------------------------------------------------------
// Identity.

const VIN_CANDIDATE = /(?<![A-Za-z0-9])[A-HJ-NPR-Za-hj-npr-z0-9]{17}(?![A-Za-z0-9])/g;
/** `Reference: X`, `Ref #X`, `Ref. No.: X`, `Reference Number: X` and, without the colon, `Reference Number X`. */
const REF_LABEL =
  /\b(?:ref(?:erence)?\.?(?:\s*(?:number|num\.?|no\.?|#))?\s*[:#]|ref(?:erence)?\.?\s*(?:number|no\.?)\s)\s*([A-Za-z0-9][A-Za-z0-9._-]*)/gi;

/** Which of this vehicle's identifiers the text names, and which other vehicles' it names. */
export function matchIdentity(text: string, vehicle: VehicleIdentity): IdentityMatch {
  const ref = vehicle.ref.trim();
  const vin = vehicle.vin?.trim().toUpperCase() || undefined;
  const matched: ('ref' | 'vin')[] = [];
  if (ref && containsToken(text, ref)) matched.push('ref');
  const upper = text.toUpperCase();
  if (vin && containsToken(upper, vin)) matched.push('vin');

  const otherVins = new Set<string>();
  for (const m of upper.matchAll(VIN_CANDIDATE)) {
    const candidate = m[0];
    // Letters and digits both: a 17-digit number (an order or tracking number) is not a VIN.
    if (candidate === vin || candidate === ref.toUpperCase() || !/[A-Z]/.test(candidate) || !/[0-9]/.test(candidate)) continue;
    otherVins.add(candidate);
  }
  const otherRefs = new Set<string>();
  for (const m of text.matchAll(REF_LABEL)) {
    const value = (m[1] ?? '').replace(/[._-]+$/, '');
    // A label followed by a word ("Reference: see page 2") is not a vehicle reference.
    if (!/[0-9]/.test(value)) continue;
    const same = value.toLowerCase() === ref.toLowerCase() || (vin !== undefined && value.toUpperCase() === vin);
    if (!same) otherRefs.add(value);
  }
  return { matched, otherRefs: [...otherRefs], otherVins: [...otherVins] };
}

const REF_CHAR = /[A-Za-z0-9._-]/;
const ALNUM = /[A-Za-z0-9]/;

/**
 * `needle` occurs as a whole token: ref `1234` is not found in `12345`, `A-1234` or `1234.5`,
 * but is found in `Ref:1234.` and `(1234)`.
 */
function containsToken(haystack: string, needle: string): boolean {
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    if (isBoundary(haystack, at - 1, -1) && isBoundary(haystack, at + needle.length, 1)) return true;
  }
  return false;
}

/** Starting at `i` and walking in `step` direction: no token character, or only punctuation then none. */
function isBoundary(s: string, i: number, step: 1 | -1): boolean {
  let j = i;
  while (j >= 0 && j < s.length && /[._-]/.test(s[j]!)) j += step;
  if (j < 0 || j >= s.length) return true;
  if (j !== i) return !ALNUM.test(s[j]!);
  return !REF_CHAR.test(s[j]!);
}

function describe(refs: string[], vins: string[]): string {
  const list = (label: string, items: string[]) =>
    `${label} ${items.slice(0, 3).join(', ')}${items.length > 3 ? ` (+${items.length - 3} more)` : ''}`;
  const parts: string[] = [];
  if (refs.length) parts.push(list('ref', refs));
  if (vins.length) parts.push(list('VIN', vins));
  return parts.join(' / ') || 'an unknown vehicle';
}

// ---------------------------------------------------------------------------------------------
// What a body that is not a PDF was instead.

function isBlank(body: Buffer): boolean {
  for (const b of body) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0x0c && b !== 0x00) return false;
  return true;
}

/** One line that says what the body was: an HTML page (with its title), JSON, or so many bytes of text or binary. */
export function describeNotPdf(body: Buffer): string {
  const head = body.subarray(0, 64 * 1024).toString('utf8').replace(/^\uFEFF/, '');
  const start = head.trimStart();
  if (/^<(!doctype\s+html|html|head|body|!--|\?xml[^>]*>\s*(<!doctype[^>]*>\s*)?<html)/i.test(start) || /<html[\s>]/i.test(head.slice(0, 1024))) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(head)?.[1];
    const text = title ? oneLine(decodeEntities(title), 80) : '';
    return text ? `got an HTML page ("${text}") instead of a PDF` : 'got an HTML page instead of a PDF';
  }
  if (/^[{[]/.test(start)) {
    const snippet = oneLine(start, 80);
    return `got JSON instead of a PDF (${snippet})`;
  }
  const sample = body.subarray(0, 512);
  let printable = 0;
  for (const b of sample) if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d || b >= 0x80) printable++;
  const isText = printable >= sample.length * 0.95 && !sample.includes(0);
  if (isText) {
    const snippet = oneLine(start, 60);
    return `got ${body.length} bytes of text${snippet ? ` ("${snippet}")` : ''} instead of a PDF`;
  }
  return `got ${body.length} bytes of binary instead of a PDF`;
}

function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
    }
    return named[e.toLowerCase()] ?? all;
  });
}

/** Collapse whitespace and control characters, keep printable ASCII only, cut to `max` characters. */
function oneLine(s: string, max: number): string {
  const flat = s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
