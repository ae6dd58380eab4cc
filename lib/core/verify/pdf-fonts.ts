import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import { decodeStream, N, name, numberOf } from './pdf-parser.js';

/* Fonts: how shown strings split into character codes, which Unicode text and which glyph widths they stand for. */

interface CodeRange {
  len: number;
  lo: number;
  hi: number;
}

interface UnicodeRange extends CodeRange {
  /** First destination string (incremented per code), or one string per code. */
  dst: string | string[];
}

/** A parsed ToUnicode (or encoding) CMap. */
export class CMap {
  readonly codespace: CodeRange[] = [];
  private readonly chars = new Map<number, string>();
  private readonly ranges: UnicodeRange[] = [];

  static parse(source: string): CMap {
    const cmap = new CMap();
    const section = /begin(codespacerange|bfchar|bfrange)([\s\S]*?)end\1/g;
    for (let m = section.exec(source); m; m = section.exec(source)) {
      const tokens = (m[2] ?? '').match(/<[0-9A-Fa-f\s]*>|\[|\]/g) ?? [];
      if (m[1] === 'codespacerange') {
        for (let i = 0; i + 1 < tokens.length; i += 2) {
          const lo = hexToken(tokens[i]!);
          cmap.codespace.push({ len: lo.len, lo: lo.value, hi: hexToken(tokens[i + 1]!).value });
        }
      } else if (m[1] === 'bfchar') {
        for (let i = 0; i + 1 < tokens.length; i += 2) {
          const src = hexToken(tokens[i]!);
          cmap.chars.set(src.value * 8 + src.len, utf16(tokens[i + 1]!));
        }
      } else {
        for (let i = 0; i + 2 < tokens.length; ) {
          const lo = hexToken(tokens[i]!);
          const hi = hexToken(tokens[i + 1]!);
          if (tokens[i + 2] === '[') {
            const dst: string[] = [];
            let j = i + 3;
            for (; j < tokens.length && tokens[j] !== ']'; j++) dst.push(utf16(tokens[j]!));
            cmap.ranges.push({ len: lo.len, lo: lo.value, hi: hi.value, dst });
            i = j + 1;
          } else {
            cmap.ranges.push({ len: lo.len, lo: lo.value, hi: hi.value, dst: utf16(tokens[i + 2]!) });
            i += 3;
          }
        }
      }
    }
    return cmap;
  }

  lookup(code: number, len: number): string | undefined {
    const char = this.chars.get(code * 8 + len);
    if (char !== undefined) return char;
    for (const r of this.ranges) {
      if (r.len !== len || code < r.lo || code > r.hi) continue;
      if (typeof r.dst !== 'string') return r.dst[code - r.lo];
      // The last code unit of the destination counts up through the range.
      const last = r.dst.charCodeAt(r.dst.length - 1) + (code - r.lo);
      return r.dst.slice(0, -1) + String.fromCharCode(last);
    }
    return undefined;
  }
}

function hexToken(token: string): { value: number; len: number } {
  const hex = token.slice(1, -1).replace(/\s+/g, '');
  return { value: parseInt(hex || '0', 16), len: Math.max(1, Math.ceil(hex.length / 2)) };
}

function utf16(token: string): string {
  let hex = token.slice(1, -1).replace(/\s+/g, '');
  if (hex.length % 4 === 2) hex = `00${hex}`;
  let s = '';
  for (let i = 0; i + 4 <= hex.length; i += 4) s += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return s;
}

export interface FontInfo {
  /** Split a shown string into character codes. */
  codes(bytes: Uint8Array): { code: number; len: number }[];
  unicode(code: number, len: number): string;
  /** Advance of a glyph in text space units (1 = the font size). */
  width(code: number): number;
  /** Widths come from the font; when not (standard 14 fonts), spacing is inferred from positioning alone. */
  widthsKnown: boolean;
}

export const DEFAULT_FONT: FontInfo = {
  codes: (bytes) => Array.from(bytes, (code) => ({ code, len: 1 })),
  unicode: (code) => WIN_ANSI[code] ?? '',
  width: () => 0.5,
  widthsKnown: false,
};

export function fontInfo(font: PDFDict, cache: Map<PDFDict, FontInfo>): FontInfo {
  let info = cache.get(font);
  if (!info) {
    try {
      info = font.get(N.Subtype) === N.Type0 ? compositeFont(font) : simpleFont(font);
    } catch {
      info = DEFAULT_FONT;
    }
    cache.set(font, info);
  }
  return info;
}

function toUnicodeOf(font: PDFDict): CMap | undefined {
  const stream = font.lookup(N.ToUnicode);
  return stream instanceof PDFRawStream ? CMap.parse(Buffer.from(decodeStream(stream)).toString('latin1')) : undefined;
}

/** Type0 (CID) fonts: what Chromium and most reporting engines write, Identity-H with a ToUnicode CMap. */
function compositeFont(font: PDFDict): FontInfo {
  const toUnicode = toUnicodeOf(font);
  const encoding = font.lookup(N.Encoding);
  let codespace: CodeRange[] = [];
  if (encoding instanceof PDFRawStream) codespace = CMap.parse(Buffer.from(decodeStream(encoding)).toString('latin1')).codespace;
  else if (encoding === name('Identity-H') || encoding === name('Identity-V')) codespace = [{ len: 2, lo: 0, hi: 0xffff }];
  if (!codespace.length) codespace = toUnicode?.codespace ?? [];
  if (!codespace.length) codespace = [{ len: 2, lo: 0, hi: 0xffff }];

  const descendants = font.lookup(N.DescendantFonts);
  const cidFont = descendants instanceof PDFArray ? descendants.lookup(0) : undefined;
  const widths = new Map<number, number>();
  let defaultWidth = 1000;
  if (cidFont instanceof PDFDict) {
    defaultWidth = numberOf(cidFont.lookup(N.DW)) ?? 1000;
    const w = cidFont.lookup(N.W);
    if (w instanceof PDFArray) {
      for (let i = 0; i < w.size(); ) {
        const first = numberOf(w.lookup(i));
        const next = w.lookup(i + 1);
        if (first === undefined) break;
        if (next instanceof PDFArray) {
          for (let j = 0; j < next.size(); j++) widths.set(first + j, numberOf(next.lookup(j)) ?? defaultWidth);
          i += 2;
        } else {
          const last = numberOf(next) ?? first;
          const width = numberOf(w.lookup(i + 2)) ?? defaultWidth;
          for (let c = first; c <= last && c - first < 65536; c++) widths.set(c, width);
          i += 3;
        }
      }
    }
  }
  return {
    codes: (bytes) => splitCodes(bytes, codespace),
    unicode: (code, len) => toUnicode?.lookup(code, len) ?? '',
    width: (code) => (widths.get(code) ?? defaultWidth) / 1000,
    widthsKnown: true,
  };
}

function splitCodes(bytes: Uint8Array, codespace: CodeRange[]): { code: number; len: number }[] {
  const codes: { code: number; len: number }[] = [];
  const fallback = Math.min(...codespace.map((r) => r.len));
  for (let i = 0; i < bytes.length; ) {
    let taken = 0;
    let code = 0;
    for (let len = 1; len <= 4 && i + len <= bytes.length && !taken; len++) {
      code = code * 256 + bytes[i + len - 1]!;
      if (codespace.some((r) => r.len === len && code >= r.lo && code <= r.hi)) taken = len;
    }
    if (!taken) {
      taken = Math.min(fallback, bytes.length - i);
      code = 0;
      for (let k = 0; k < taken; k++) code = code * 256 + bytes[i + k]!;
    }
    codes.push({ code, len: taken });
    i += taken;
  }
  return codes;
}

/** Type1, TrueType and Type3 fonts: one byte per code, an 8-bit encoding. */
function simpleFont(font: PDFDict): FontInfo {
  const toUnicode = toUnicodeOf(font);
  const table = [...WIN_ANSI];
  const encoding = font.lookup(N.Encoding);
  if (encoding instanceof PDFDict) {
    const differences = encoding.lookup(N.Differences);
    if (differences instanceof PDFArray) {
      let code = 0;
      for (let i = 0; i < differences.size(); i++) {
        const item = differences.lookup(i);
        if (item instanceof PDFNumber) code = item.asNumber();
        else if (item instanceof PDFName) table[code++ & 0xff] = glyphToUnicode(item.decodeText());
      }
    }
  }
  const widthsArray = font.lookup(N.Widths);
  const firstChar = numberOf(font.lookup(N.FirstChar)) ?? 0;
  const descriptor = font.lookup(N.FontDescriptor);
  const missing = descriptor instanceof PDFDict ? numberOf(descriptor.lookup(N.MissingWidth)) : undefined;
  // Type3 glyph widths are in glyph space, scaled by the FontMatrix.
  const matrix = font.lookup(N.FontMatrix);
  const scale = font.get(N.Subtype) === N.Type3 && matrix instanceof PDFArray ? (numberOf(matrix.lookup(0)) ?? 0.001) : 0.001;
  const widths: number[] = [];
  if (widthsArray instanceof PDFArray) {
    for (let i = 0; i < widthsArray.size(); i++) widths[firstChar + i] = numberOf(widthsArray.lookup(i)) ?? 0;
  }
  const known = widthsArray instanceof PDFArray;
  return {
    codes: DEFAULT_FONT.codes,
    unicode: (code, len) => toUnicode?.lookup(code, len) ?? table[code] ?? '',
    width: (code) => (known ? (widths[code] ?? missing ?? 0) * scale : 0.5),
    widthsKnown: known,
  };
}

/** Windows-1252 (WinAnsiEncoding), which also covers ASCII for Standard and MacRoman encodings. */
const WIN_ANSI: string[] = (() => {
  const table: string[] = [];
  for (let c = 0; c < 256; c++) table[c] = c < 32 ? '' : String.fromCharCode(c);
  const high = '\u20ac\0\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\0\u017d\0\0\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\0\u017e\u0178';
  for (let i = 0; i < 32; i++) table[0x80 + i] = high[i] === '\0' ? '' : high[i]!;
  return table;
})();

const GLYPH_NAMES: Record<string, string> = {
  space: ' ', exclam: '!', quotedbl: '"', numbersign: '#', dollar: '$', percent: '%', ampersand: '&',
  quotesingle: "'", quoteright: "'", parenleft: '(', parenright: ')', asterisk: '*', plus: '+', comma: ',',
  hyphen: '-', minus: '-', period: '.', slash: '/', zero: '0', one: '1', two: '2', three: '3', four: '4',
  five: '5', six: '6', seven: '7', eight: '8', nine: '9', colon: ':', semicolon: ';', less: '<', equal: '=',
  greater: '>', question: '?', at: '@', bracketleft: '[', backslash: '\\', bracketright: ']',
  asciicircum: '^', underscore: '_', grave: '`', quoteleft: "'", braceleft: '{', bar: '|', braceright: '}',
  asciitilde: '~', endash: '-', emdash: '-', bullet: '*', nbspace: ' ', ff: 'ff', fi: 'fi', fl: 'fl',
  ffi: 'ffi', ffl: 'ffl',
};

/** Glyph names of a Differences array, as far as identifiers need: letters, digits, punctuation, uniXXXX. */
function glyphToUnicode(glyph: string): string {
  const base = glyph.split('.')[0] ?? '';
  if (base.includes('_')) return base.split('_').map(glyphToUnicode).join('');
  if (/^[A-Za-z]$/.test(base)) return base;
  const named = GLYPH_NAMES[base];
  if (named !== undefined) return named;
  const uni = /^uni([0-9A-Fa-f]{4})$/.exec(base) ?? /^u([0-9A-Fa-f]{4,6})$/.exec(base);
  if (uni) return String.fromCodePoint(parseInt(uni[1]!, 16));
  return '';
}
