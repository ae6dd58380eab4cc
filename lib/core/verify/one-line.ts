/** Collapse whitespace and control characters, keep printable ASCII only, cut to `max` characters. */
export function oneLine(s: string, max: number): string {
  const flat = s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
