import { createHash } from 'node:crypto';
import { VehicleFailedError } from './errors.js';

/**
 * File names of documents: the same rule for the run folder, the S3 key and `cloud pull`.
 *
 * The ref is the portal's exact stock number (any non-empty string); its file name is
 *   `<stem>.pdf`         when the stem IS the ref (reversible) and no other ref of the
 *                        inventory has the same stem ignoring case, or else
 *   `<stem>~<hash>.pdf`  with `<hash>` the first 6 hex digits of sha256(UTF-8 of the exact ref)
 *                        (10, 16, then 64 when two suffixed names would still meet).
 * `<stem>` is readableStem(ref): NFKD with combining marks removed (`Ä` -> `A`), a few letters
 * spelled out (`ß` -> `ss`), surrounding whitespace dropped, every run of characters outside
 * `A-Z a-z 0-9 . _ -` replaced by one `_` (so `/`, `\`, spaces and `~` never reach a name),
 * runs of dots made one, leading `. _ -` and trailing `. _` removed (hidden files, options,
 * Windows drops trailing dots), `_` put before a
 * Windows device name (`CON`, `lpt1.x`), cut to 100 characters, and `ref` when nothing is left.
 *
 * Why it is collision-free: a stem never holds `~`, so a plain name never equals a suffixed
 * one; plain names are unique ignoring case (clashing ones all get suffixes); suffixed names
 * of different refs differ by their hash, lengthened until they do ignoring case.
 * Why it is stable: it depends only on the ref and on which refs share its stem, and the
 * trackers keep the name a vehicle was first given (a later inventory does not rename it).
 */

export const FILE_EXTENSION = '.pdf';
/** Stems are cut here: names stay well under the 255-byte limit of every file system. */
export const MAX_STEM_LENGTH = 100;
const HASH_LENGTHS = [6, 10, 16, 64] as const;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;
/** Letters NFKD leaves whole. */
const SPELLED: Record<string, string> = {
  ß: 'ss', ẞ: 'SS', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L', þ: 'th', Þ: 'Th', ı: 'i',
};
const SAFE_NAME = /^([A-Za-z0-9_][A-Za-z0-9._-]*?)(~[0-9a-f]{6,64})?\.pdf$/;

/** The readable part of a ref's file name (see the rule above); idempotent. */
export function readableStem(ref: string): string {
  let stem = ref
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßẞæÆœŒøØđĐłŁþÞı]/g, (c) => SPELLED[c] ?? c)
    .trim()
    .replace(/\.{2,}/g, '.')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .replace(/[._]+$/, '');
  if (WINDOWS_DEVICE.test(stem)) stem = `_${stem}`;
  if (stem.length > MAX_STEM_LENGTH) stem = stem.slice(0, MAX_STEM_LENGTH).replace(/[._]+$/, '');
  return stem === '' ? 'ref' : stem;
}

/** True when the stem is the ref itself, so the name gives the ref back. */
export function isReversible(ref: string): boolean {
  return readableStem(ref) === ref;
}

/** The hash suffix of a ref: hex digits of sha256 of its exact UTF-8 bytes. */
export function refHash(ref: string, length: number = HASH_LENGTHS[0]): string {
  return createHash('sha256').update(ref, 'utf8').digest('hex').slice(0, length);
}

/**
 * The file name of a ref on its own, as if no other ref shared its stem. What
 * assignFileNames gives a ref without a case twin; the fallback for rows tracked before
 * file names were recorded (their refs were all reversible, so the name is `<ref>.pdf`).
 */
export function fileNameFor(ref: string): string {
  return isReversible(ref) ? `${ref}${FILE_EXTENSION}` : suffixed(ref, HASH_LENGTHS[0]);
}

/**
 * The names of a tracked vehicle's document: the file name it was given, or (a row tracked
 * before names were, a message without one) the name of its ref on its own.
 */
export function documentName(vehicle: { ref: string; file?: string | undefined }): { ref: string; file: string } {
  return { ref: vehicle.ref, file: vehicle.file ?? fileNameFor(vehicle.ref) };
}

/** File names of one inventory's refs (distinct refs; repeats are ignored), by ref. */
export function assignFileNames(refs: Iterable<string>): Map<string, string> {
  const unique = [...new Set(refs)];
  const byStem = new Map<string, number>();
  for (const ref of unique) {
    if (!isReversible(ref)) continue;
    const key = ref.toLowerCase();
    byStem.set(key, (byStem.get(key) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  let needSuffix: string[] = [];
  for (const ref of unique) {
    if (isReversible(ref) && byStem.get(ref.toLowerCase()) === 1) names.set(ref, `${ref}${FILE_EXTENSION}`);
    else needSuffix.push(ref);
  }
  for (const length of HASH_LENGTHS) {
    const clashes = new Map<string, string[]>();
    for (const ref of needSuffix) {
      const name = suffixed(ref, length);
      names.set(ref, name);
      const key = name.toLowerCase();
      clashes.set(key, [...(clashes.get(key) ?? []), ref]);
    }
    // Only refs whose suffixed names still meet get a longer hash (practically never).
    needSuffix = [...clashes.values()].filter((group) => group.length > 1).flat();
    if (needSuffix.length === 0) break;
  }
  return names;
}

/**
 * Could this name have come from the rule above? The stores refuse anything else, so a name
 * can never hold a separator, a dot name or a device name, whoever built it.
 */
export function isSafeFileName(name: string): boolean {
  const match = SAFE_NAME.exec(name);
  if (!match) return false;
  const stem = match[1]!;
  return stem.length <= MAX_STEM_LENGTH && readableStem(stem) === stem;
}

/** The stores' last line of defence: a name the rule could not have made is refused (unsafe_ref). */
export function assertSafeFileName(file: string, ref?: string): void {
  if (isSafeFileName(file)) return;
  const whose = ref === undefined ? '' : ` (ref ${JSON.stringify(ref.slice(0, 80))})`;
  throw new VehicleFailedError(`file name ${JSON.stringify(file.slice(0, 120))}${whose} is not one fleetpdf makes; refusing to store it`, 'unsafe_ref');
}

function suffixed(ref: string, length: number): string {
  return `${readableStem(ref)}~${refHash(ref, length)}${FILE_EXTENSION}`;
}
