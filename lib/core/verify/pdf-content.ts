import { PDFArray, PDFDict, PDFRawStream } from 'pdf-lib';
import { DEFAULT_FONT, fontInfo, type FontInfo } from './pdf-fonts.js';
import { decodeStream, N, name, numberOf } from './pdf-parser.js';

/* Content streams: a tokenizer and the text operators, with glyph positions turned into spaces and line breaks. */

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

/** translate(tx, ty) x m */
function translate(m: Matrix, tx: number, ty: number): Matrix {
  return [m[0], m[1], m[2], m[3], tx * m[0] + ty * m[2] + m[4], tx * m[1] + ty * m[3] + m[5]];
}

/** Operands: numbers, names (strings), string bytes, arrays, or null for anything else. */
type Operand = number | string | Uint8Array | Operand[] | null;

interface GraphicsState {
  ctm: Matrix;
  font: FontInfo;
  fontSize: number;
  charSpacing: number;
  wordSpacing: number;
  hScale: number;
  leading: number;
}

const DICT_START: Operand[] = [];

export class ContentReader {
  private gs: GraphicsState = {
    ctm: IDENTITY,
    font: DEFAULT_FONT,
    fontSize: 1,
    charSpacing: 0,
    wordSpacing: 0,
    hScale: 1,
    leading: 0,
  };
  private readonly stack: GraphicsState[] = [];
  private tm: Matrix = IDENTITY;
  private tlm: Matrix = IDENTITY;
  /** Device-space end of the last glyph shown, and the em size there. */
  private lastEnd: [number, number] | undefined;
  /** The text position was set (Td, Tm, BT...) since the last string shown. */
  private repositioned = false;

  constructor(
    private readonly fonts: Map<PDFDict, FontInfo>,
    private readonly out: string[],
  ) {}

  run(content: Uint8Array, resources: PDFDict | undefined, depth: number): void {
    const operands: Operand[] = [];
    const nested: Operand[][] = [];
    let top = operands;
    const n = content.length;
    let i = 0;
    while (i < n) {
      const b = content[i]!;
      if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00) {
        i++;
      } else if (b === 0x25 /* % */) {
        while (i < n && content[i] !== 0x0a && content[i] !== 0x0d) i++;
      } else if (b === 0x28 /* ( */) {
        const [str, next] = literalString(content, i);
        top.push(str);
        i = next;
      } else if (b === 0x3c /* < */) {
        if (content[i + 1] === 0x3c) {
          nested.push(top);
          top = [DICT_START];
          i += 2;
        } else {
          const [str, next] = hexString(content, i);
          top.push(str);
          i = next;
        }
      } else if (b === 0x3e /* > */) {
        // End of an inline dictionary (marked-content properties): its contents are not needed.
        if (content[i + 1] === 0x3e && top[0] === DICT_START) {
          top = nested.pop() ?? operands;
          top.push(null);
        }
        i += content[i + 1] === 0x3e ? 2 : 1;
      } else if (b === 0x5b /* [ */) {
        nested.push(top);
        top = [];
        i++;
      } else if (b === 0x5d /* ] */) {
        const array = top;
        top = nested.pop() ?? operands;
        top.push(array);
        i++;
      } else if (b === 0x2f /* / */) {
        let j = i + 1;
        while (j < n && isRegular(content[j]!)) j++;
        top.push(decodeName(content, i + 1, j));
        i = j;
      } else if (b === 0x7b || b === 0x7d /* { } */) {
        i++;
      } else {
        let j = i;
        while (j < n && isRegular(content[j]!)) j++;
        if (j === i) j++;
        const word = latin1(content, i, j);
        i = j;
        if ((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e) {
          const value = Number(word);
          top.push(Number.isFinite(value) ? value : 0);
        } else if (word === 'true' || word === 'false' || word === 'null') {
          top.push(null);
        } else {
          // An operator ends whatever arrays or dicts a broken stream left open.
          top = operands;
          nested.length = 0;
          if (word === 'BI') {
            i = skipInlineImage(content, i);
          } else {
            this.operator(word, operands, resources, depth);
          }
          operands.length = 0;
        }
      }
    }
  }

  private operator(op: string, args: Operand[], resources: PDFDict | undefined, depth: number): void {
    const gs = this.gs;
    const num = (k: number): number => {
      const v = args[args.length - k];
      return typeof v === 'number' ? v : 0;
    };
    switch (op) {
      case 'q':
        this.stack.push({ ...gs });
        break;
      case 'Q':
        this.gs = this.stack.pop() ?? gs;
        break;
      case 'cm':
        gs.ctm = multiply([num(6), num(5), num(4), num(3), num(2), num(1)], gs.ctm);
        break;
      case 'BT':
        this.tm = this.tlm = IDENTITY;
        this.repositioned = true;
        break;
      case 'Tf': {
        const fontName = args[args.length - 2];
        gs.fontSize = num(1);
        gs.font = DEFAULT_FONT;
        const fonts = resources?.lookup(N.Font);
        if (typeof fontName === 'string' && fonts instanceof PDFDict) {
          const font = fonts.lookup(name(fontName));
          if (font instanceof PDFDict) gs.font = fontInfo(font, this.fonts);
        }
        break;
      }
      case 'Tc':
        gs.charSpacing = num(1);
        break;
      case 'Tw':
        gs.wordSpacing = num(1);
        break;
      case 'Tz':
        gs.hScale = num(1) / 100;
        break;
      case 'TL':
        gs.leading = num(1);
        break;
      case 'Td':
        this.moveText(num(2), num(1));
        break;
      case 'TD':
        gs.leading = -num(1);
        this.moveText(num(2), num(1));
        break;
      case 'Tm':
        this.tm = this.tlm = [num(6), num(5), num(4), num(3), num(2), num(1)];
        this.repositioned = true;
        break;
      case 'T*':
        this.moveText(0, -gs.leading);
        break;
      case 'Tj':
        this.show(args[args.length - 1]);
        break;
      case "'":
        this.moveText(0, -gs.leading);
        this.show(args[args.length - 1]);
        break;
      case '"':
        gs.wordSpacing = num(3);
        gs.charSpacing = num(2);
        this.moveText(0, -gs.leading);
        this.show(args[args.length - 1]);
        break;
      case 'TJ': {
        const array = args[args.length - 1];
        if (!Array.isArray(array)) break;
        for (const item of array) {
          if (typeof item === 'number') {
            // Numbers are thousandths of an em to move left; the glyph gap check turns big ones into spaces.
            this.tm = translate(this.tm, (-item / 1000) * gs.fontSize * gs.hScale, 0);
            if (!gs.font.widthsKnown && item <= -250) this.repositioned = true;
          } else {
            this.show(item);
          }
        }
        break;
      }
      case 'Do':
        if (depth === 0) this.formXObject(args[args.length - 1], resources, depth);
        break;
      default:
        break;
    }
  }

  private moveText(tx: number, ty: number): void {
    this.tlm = translate(this.tlm, tx, ty);
    this.tm = this.tlm;
    this.repositioned = true;
  }

  private formXObject(xobjectName: Operand | undefined, resources: PDFDict | undefined, depth: number): void {
    const xobjects = resources?.lookup(N.XObject);
    if (typeof xobjectName !== 'string' || !(xobjects instanceof PDFDict)) return;
    const form = xobjects.lookup(name(xobjectName));
    if (!(form instanceof PDFRawStream) || form.dict.get(N.Subtype) !== N.Form) return;
    const saved = { ...this.gs };
    const matrix = form.dict.lookup(N.Matrix);
    if (matrix instanceof PDFArray && matrix.size() === 6) {
      const m = [0, 1, 2, 3, 4, 5].map((k) => numberOf(matrix.lookup(k)) ?? 0) as Matrix;
      this.gs.ctm = multiply(m, this.gs.ctm);
    }
    const own = form.dict.lookup(N.Resources);
    const savedTm = this.tm;
    const savedTlm = this.tlm;
    const stackDepth = this.stack.length;
    this.run(decodeStream(form), own instanceof PDFDict ? own : resources, depth + 1);
    this.stack.length = stackDepth;
    this.gs = saved;
    this.tm = savedTm;
    this.tlm = savedTlm;
  }

  private show(operand: Operand | undefined): void {
    if (!(operand instanceof Uint8Array)) return;
    const gs = this.gs;
    const font = gs.font;
    const m = multiply(this.tm, gs.ctm);
    const startX = m[4];
    const startY = m[5];
    // Baseline direction and em size in device space.
    const ux = m[0];
    const uy = m[1];
    const unit = Math.hypot(ux, uy) || 1;
    const em = Math.abs(gs.fontSize) * (Math.hypot(m[2], m[3]) || 1);
    if (this.lastEnd) {
      const dx = startX - this.lastEnd[0];
      const dy = startY - this.lastEnd[1];
      const along = (dx * ux + dy * uy) / unit;
      const across = Math.abs(dx * uy - dy * ux) / unit;
      if (across > 0.5 * em) this.separate('\n');
      else if (font.widthsKnown ? along > 0.2 * em || along < -2 * em : this.repositioned) this.separate(' ');
    }
    let advance = 0;
    for (const { code, len } of font.codes(operand)) {
      this.out.push(font.unicode(code, len));
      advance += font.width(code) * gs.fontSize + gs.charSpacing + (len === 1 && code === 0x20 ? gs.wordSpacing : 0);
    }
    this.tm = translate(this.tm, advance * gs.hScale, 0);
    const end = multiply(this.tm, gs.ctm);
    this.lastEnd = [end[4], end[5]];
    this.repositioned = false;
  }

  private separate(separator: string): void {
    const last = this.out[this.out.length - 1];
    if (last !== undefined && /\s$/.test(last)) return;
    this.out.push(separator);
  }
}

function isRegular(b: number): boolean {
  return !(
    b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00 ||
    b === 0x28 || b === 0x29 || b === 0x3c || b === 0x3e || b === 0x5b || b === 0x5d ||
    b === 0x7b || b === 0x7d || b === 0x2f || b === 0x25
  );
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function decodeName(bytes: Uint8Array, start: number, end: number): string {
  const raw = latin1(bytes, start, end);
  return raw.includes('#') ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw;
}

/** A `(...)` string with nesting and escapes; returns its bytes and the offset after it. */
function literalString(bytes: Uint8Array, start: number): [Uint8Array, number] {
  const out: number[] = [];
  let depth = 1;
  let i = start + 1;
  while (i < bytes.length) {
    const b = bytes[i++]!;
    if (b === 0x5c /* \ */) {
      const e = bytes[i++];
      if (e === undefined) break;
      if (e >= 0x30 && e <= 0x37) {
        let v = e - 0x30;
        for (let k = 0; k < 2 && bytes[i]! >= 0x30 && bytes[i]! <= 0x37; k++) v = v * 8 + (bytes[i++]! - 0x30);
        out.push(v & 0xff);
      } else if (e === 0x0d) {
        if (bytes[i] === 0x0a) i++; // line continuation
      } else if (e !== 0x0a) {
        out.push(ESCAPES[e] ?? e);
      }
    } else if (b === 0x28) {
      depth++;
      out.push(b);
    } else if (b === 0x29) {
      if (--depth === 0) break;
      out.push(b);
    } else {
      out.push(b);
    }
  }
  return [Uint8Array.from(out), i];
}
const ESCAPES: Record<number, number> = { 110: 0x0a, 114: 0x0d, 116: 0x09, 98: 0x08, 102: 0x0c };

/** A `<...>` string; an odd final digit counts as followed by 0. */
function hexString(bytes: Uint8Array, start: number): [Uint8Array, number] {
  const out: number[] = [];
  let high = -1;
  let i = start + 1;
  for (; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x3e) {
      i++;
      break;
    }
    const v = hexValue(b);
    if (v < 0) continue;
    if (high < 0) high = v;
    else {
      out.push(high * 16 + v);
      high = -1;
    }
  }
  if (high >= 0) out.push(high * 16);
  return [Uint8Array.from(out), i];
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/** Skip `BI <dict> ID <binary> EI`: the image bytes would otherwise read as operators. */
function skipInlineImage(bytes: Uint8Array, start: number): number {
  let i = start;
  const ws = (b: number | undefined) => b === undefined || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
  while (i + 1 < bytes.length && !(bytes[i] === 0x49 && bytes[i + 1] === 0x44 && ws(bytes[i - 1]) && ws(bytes[i + 2]))) i++;
  i += 3;
  while (i + 1 < bytes.length && !(bytes[i] === 0x45 && bytes[i + 1] === 0x49 && ws(bytes[i - 1]) && ws(bytes[i + 2]))) i++;
  return Math.min(bytes.length, i + 2);
}
