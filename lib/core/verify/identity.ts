import type { IdentityMatch, VehicleIdentity } from './types.js';

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
    // The label's value stops at the first character outside A-Z 0-9 . _ -; a ref such as
    // `STK-0007/B` or `STK-0150Ä` goes on past it, so the text after the label is compared too.
    const start = (m.index ?? 0) + m[0].length - (m[1] ?? '').length;
    const whole = text.slice(start, start + ref.length).toLowerCase() === ref.toLowerCase() && isBoundary(text, start + ref.length, 1);
    const same = whole || value.toLowerCase() === ref.toLowerCase() || (vin !== undefined && value.toUpperCase() === vin);
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

/** `ref A, B / VIN C`: the identifiers a message names (3 of each at most, then a count). */
export function describeIdentifiers(refs: string[], vins: string[], counts?: { refs: number; vins: number }): string {
  const list = (label: string, items: string[], total: number) =>
    `${label} ${items.slice(0, 3).join(', ')}${total > 3 ? ` (+${total - 3} more)` : ''}`;
  const parts: string[] = [];
  if (refs.length) parts.push(list('ref', refs, counts?.refs ?? refs.length));
  if (vins.length) parts.push(list('VIN', vins, counts?.vins ?? vins.length));
  return parts.join(' / ') || 'an unknown vehicle';
}
