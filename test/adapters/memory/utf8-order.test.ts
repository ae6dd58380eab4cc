import { describe, expect, it } from 'vitest';
import { compareUtf8 } from '../../../lib/adapters/memory/utf8-order.js';

describe('compareUtf8', () => {
  it('orders strings as their UTF-8 bytes compare', () => {
    const strings = ['', 'a', 'ab', 'B', 'é', '\uFB00', '\u{1F600}', '\u{1F600}a', '\uFFFF', 'z', '\u0800'];
    const byBytes = [...strings].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...strings].sort(compareUtf8)).toEqual(byBytes);
    // Where UTF-16 order differs: U+1F600 (a surrogate pair) after U+FB00.
    expect(compareUtf8('\u{1F600}', '\uFB00')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFB00').toBe(true);
    expect(compareUtf8('same', 'same')).toBe(0);
  });
});
