import { describe, expect, it } from 'vitest';
import { assignFileNames, fileNameFor, isSafeFileName, readableStem, refHash } from '../../lib/core/file-name.js';

const h = (ref: string) => refHash(ref);

describe('fileNameFor: one ref on its own', () => {
  it.each([
    ['STK-1001', 'STK-1001.pdf'],
    ['40213377', '40213377.pdf'],
    ['a_b-c.v2', 'a_b-c.v2.pdf'],
    ['stk-0001', 'stk-0001.pdf'],
  ])('a reversible ref %j keeps its name %j', (ref, name) => {
    expect(fileNameFor(ref)).toBe(name);
  });

  it.each([
    ['STK-0007/B', 'STK-0007_B'],
    [' STK 0099 ', 'STK_0099'],
    ['STK 0099', 'STK_0099'],
    ['STK-0150Ä', 'STK-0150A'],
    ['Straße 5', 'Strasse_5'],
    ['Øre-12', 'Ore-12'],
    ['back\\slash', 'back_slash'],
    ['../../etc/passwd', 'etc_passwd'],
    ['..', 'ref'],
    ['.', 'ref'],
    ['.hidden', 'hidden'],
    ['-rf', 'rf'],
    ['trailing.', 'trailing'],
    ['CON', '_CON'],
    ['lpt1.txt', '_lpt1.txt'],
    ['a~b', 'a_b'],
    ['日本', 'ref'],
    ['x'.repeat(150), 'x'.repeat(100)],
    ['a  /  b', 'a_b'],
  ])('an awkward ref %j gets the readable stem %j and a hash of the exact ref', (ref, stem) => {
    expect(readableStem(ref)).toBe(stem);
    expect(fileNameFor(ref)).toBe(`${stem}~${h(ref)}.pdf`);
    expect(isSafeFileName(fileNameFor(ref))).toBe(true);
  });

  it('hashes the exact ref: refs that differ only in spaces or Unicode form get different names', () => {
    const refs = [' STK 0099 ', 'STK 0099', 'STK  0099', 'STK-0150\u00c4', 'STK-0150A\u0308'];
    const names = refs.map(fileNameFor);
    expect(new Set(names).size).toBe(refs.length);
    expect(h('STK-0007/B')).toMatch(/^[0-9a-f]{6}$/);
  });

  it('is the same on every call (no randomness, no clock)', () => {
    expect(fileNameFor('STK-0007/B')).toBe(fileNameFor('STK-0007/B'));
    expect(fileNameFor('STK-0007/B')).toBe(`STK-0007_B~${h('STK-0007/B')}.pdf`);
  });

  it('never yields a name with a separator, a dot name or more than 120 characters', () => {
    for (const ref of ['/', '\\', '..\\..\\x', 'a/../../b', '\u0000x', 'x'.repeat(5000), '\u202e.pdf', ' ', '~', 'COM1']) {
      const name = fileNameFor(ref);
      expect(name, ref).not.toMatch(/[\\/\0]|^\.|\.\./);
      expect(name.length, ref).toBeLessThanOrEqual(120);
      expect(isSafeFileName(name), ref).toBe(true);
    }
  });
});

describe('assignFileNames: the refs of one inventory', () => {
  it('gives refs that differ only in case a hash each (one file on macOS and Windows otherwise)', () => {
    const names = assignFileNames(['ABC-1', 'abc-1', 'STK-2']);
    expect(names.get('ABC-1')).toBe(`ABC-1~${h('ABC-1')}.pdf`);
    expect(names.get('abc-1')).toBe(`abc-1~${h('abc-1')}.pdf`);
    expect(names.get('STK-2')).toBe('STK-2.pdf');
  });

  it('keeps a reversible name beside an awkward ref with the same stem (the hash tells them apart)', () => {
    const names = assignFileNames(['STK-0007_B', 'STK-0007/B']);
    expect(names.get('STK-0007_B')).toBe('STK-0007_B.pdf');
    expect(names.get('STK-0007/B')).toBe(`STK-0007_B~${h('STK-0007/B')}.pdf`);
  });

  it('gives the names fileNameFor gives when no two refs clash', () => {
    const refs = ['A', 'b/c', ' d ', 'é'];
    const names = assignFileNames(refs);
    for (const ref of refs) expect(names.get(ref)).toBe(fileNameFor(ref));
  });

  it('gives every ref of a large awkward inventory its own name, unique ignoring case, in any order', () => {
    const refs = Array.from({ length: 3000 }, (_, i) => [`s/${i}`, `S/${i}`, `s ${i}`, `S-${i}`, `s-${i}`][i % 5]! + (i % 7 ? '' : 'Ä'));
    const names = assignFileNames(refs);
    const lower = new Set([...names.values()].map((n) => n.toLowerCase()));
    expect(lower.size).toBe(new Set(refs).size);
    const reversed = assignFileNames([...refs].reverse());
    for (const ref of refs) expect(reversed.get(ref)).toBe(names.get(ref));
  });

  it('lengthens the hash only for names that would still meet', () => {
    // Refs that all have the stem `Q` (symbols become `_`, trailing `_` goes), searched until two
    // share their 6 hash digits: a deterministic search, the same pair on every run.
    const symbols = '/\\~#@!$%';
    const refOf = (i: number) => `Q/${[...i.toString(8)].map((d) => symbols[Number(d)]).join('')}`;
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const ref = refOf(i);
      const other = seen.get(refHash(ref));
      if (other) pair = [other, ref];
      else seen.set(refHash(ref), ref);
    }
    const [a, b] = pair;
    expect(readableStem(a)).toBe('Q');
    expect(readableStem(b)).toBe('Q');
    expect(fileNameFor(a)).toBe(fileNameFor(b));
    const names = assignFileNames([a, b, 'Q/']);
    expect(names.get(a)).toBe(`Q~${refHash(a, 10)}.pdf`);
    expect(names.get(b)).toBe(`Q~${refHash(b, 10)}.pdf`);
    expect(names.get('Q/')).toBe(fileNameFor('Q/'));
    expect(new Set(names.values()).size).toBe(3);
  });
});

describe('isSafeFileName', () => {
  it('accepts what the rule makes and refuses anything that could name another file', () => {
    for (const ok of ['A.pdf', 'STK-0007_B~3f9a1c.pdf', '_CON~abcdef.pdf', 'ref~0123456789.pdf']) expect(isSafeFileName(ok), ok).toBe(true);
    for (const bad of ['../x.pdf', 'a/b.pdf', '.hidden.pdf', 'CON.pdf', 'x', 'a b.pdf', 'a~XYZ.pdf', '-a.pdf', `${'x'.repeat(101)}.pdf`, 'a..pdf', '']) {
      expect(isSafeFileName(bad), bad).toBe(false);
    }
  });
});
