/**
 * Compare two strings by their UTF-8 bytes, the order SQLite's BINARY collation and DynamoDB's
 * sort keys use. JavaScript's `<` compares UTF-16 units, which differs only where a surrogate
 * pair (a code point above U+FFFF) meets a unit of U+E000..U+FFFF: the pair sorts last in UTF-8.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate && Math.max(x, y) >= 0xe000) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
