/**
 * Tracking keys of refused inventory lines. A vehicle's row is keyed by its exact ref, and any
 * ref may be a real one now, so a refused line (an empty ref, a repeated one) is keyed
 * `\u001fline-<n>\u001f<ref>`: refs with control characters are refused by the inventory, so
 * no vehicle's key starts with U+001F. Reports show the ref part (shownRef).
 */
const MARK = '\u001f';

/** The row key of refused line `line` whose cell held `ref`. */
export function refusedLineKey(line: number, ref: string): string {
  return `${MARK}line-${line}${MARK}${ref}`;
}

/** The ref a row key stands for: the cell of a refused line, or the key itself. */
export function shownRef(key: string): string {
  if (!key.startsWith(MARK)) return key;
  const end = key.indexOf(MARK, 1);
  return end < 0 ? key.slice(1) : key.slice(end + 1);
}
