import { decodePDFRawStream, PDFContext, PDFDict, PDFName, PDFNumber, PDFObjectParser, PDFRawStream, PDFRef } from 'pdf-lib';
import type { PDFObject } from 'pdf-lib';

/*
 * pdf-lib's PDFDocument.load is async (it yields to the event loop while parsing), and
 * verification is a synchronous step of processVehicle, so this file drives pdf-lib's
 * synchronous object parser itself, the way pdf-lib's PDFParser does.
 */

type ByteStream = ConstructorParameters<typeof PDFObjectParser>[0];
type ByteStreamClass = new (bytes: Uint8Array) => ByteStream;

// pdf-lib does not export ByteStream; borrow its class from a parser it builds.
const ByteStreamCtor = (
  PDFObjectParser.forBytes(new Uint8Array(0), PDFContext.create()) as unknown as { bytes: { constructor: ByteStreamClass } }
).bytes.constructor;

const kw = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const KW = {
  obj: kw('obj'),
  endobj: kw('endobj'),
  xref: kw('xref'),
  trailer: kw('trailer'),
  startxref: kw('startxref'),
  eof: kw('%%EOF'),
};

export const name = (n: string): PDFName => PDFName.of(n);
export const N = {
  Type: name('Type'),
  ObjStm: name('ObjStm'),
  XRef: name('XRef'),
  Root: name('Root'),
  Info: name('Info'),
  Encrypt: name('Encrypt'),
  Catalog: name('Catalog'),
  Pages: name('Pages'),
  Page: name('Page'),
  Kids: name('Kids'),
  Resources: name('Resources'),
  Contents: name('Contents'),
  Font: name('Font'),
  XObject: name('XObject'),
  Subtype: name('Subtype'),
  Form: name('Form'),
  Matrix: name('Matrix'),
  First: name('First'),
  N: name('N'),
  Title: name('Title'),
  Subject: name('Subject'),
  Keywords: name('Keywords'),
  ToUnicode: name('ToUnicode'),
  Encoding: name('Encoding'),
  Type0: name('Type0'),
  Type3: name('Type3'),
  DescendantFonts: name('DescendantFonts'),
  W: name('W'),
  DW: name('DW'),
  Widths: name('Widths'),
  FirstChar: name('FirstChar'),
  FontDescriptor: name('FontDescriptor'),
  MissingWidth: name('MissingWidth'),
  FontMatrix: name('FontMatrix'),
  BaseEncoding: name('BaseEncoding'),
  Differences: name('Differences'),
  Annots: name('Annots'),
  V: name('V'),
  Parent: name('Parent'),
};

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** pdf-lib's object parser, minus the console warning it prints for numbers beyond 2^53. */
class QuietObjectParser extends PDFObjectParser {
  protected override parseRawNumber(): number {
    let value = '';
    while (!this.bytes.done()) {
      const b = this.bytes.peek();
      if (!isDigit(b) && b !== 0x2b && b !== 0x2d && b !== 0x2e) break;
      value += String.fromCharCode(this.bytes.next());
      if (b === 0x2e) break;
    }
    while (!this.bytes.done() && isDigit(this.bytes.peek())) value += String.fromCharCode(this.bytes.next());
    const number = Number(value);
    if (!value || !Number.isFinite(number)) throw new Error(`invalid number "${value}"`);
    return number;
  }
}

/** Reads a whole PDF synchronously into a pdf-lib PDFContext, plus the trailer's Root, Info and Encrypt. */
export class SyncPdfParser extends QuietObjectParser {
  root: PDFObject | undefined;
  info: PDFObject | undefined;
  encrypted = false;

  static of(bytes: Uint8Array, context: PDFContext): SyncPdfParser {
    return new SyncPdfParser(new ByteStreamCtor(bytes), context);
  }

  /** Read every indirect object in file order (later definitions win, as incremental updates intend). */
  parseAll(headerOffset: number): void {
    this.bytes.moveTo(headerOffset);
    this.skipLine();
    this.skipJibberish();
    let previous = -1;
    while (!this.bytes.done()) {
      this.parseIndirectObjects();
      this.skipXrefTable();
      this.parseTrailer();
      this.skipJibberish();
      const offset = this.bytes.offset();
      if (offset === previous) throw new Error(`PDF parser stalled at byte ${offset}`);
      previous = offset;
    }
  }

  private parseIndirectObjects(): void {
    this.skipWhitespaceAndComments();
    while (!this.bytes.done() && isDigit(this.bytes.peek())) {
      const start = this.bytes.offset();
      let ref: PDFRef;
      try {
        ref = this.parseObjectHeader();
      } catch {
        this.bytes.moveTo(start);
        return;
      }
      try {
        this.parseIndirectObject(ref);
      } catch {
        // A broken object: skip it whole; the page walk decides whether what is left is usable.
        this.bytes.moveTo(start);
        this.skipToAfter(KW.endobj);
      }
      this.skipWhitespaceAndComments();
    }
  }

  private parseObjectHeader(): PDFRef {
    this.skipWhitespaceAndComments();
    const objectNumber = this.parseRawInt();
    this.skipWhitespaceAndComments();
    const generation = this.parseRawInt();
    this.skipWhitespaceAndComments();
    if (!this.matchKeyword(KW.obj)) throw new Error('missing obj keyword');
    return PDFRef.of(objectNumber, generation);
  }

  private parseIndirectObject(ref: PDFRef): void {
    this.skipWhitespaceAndComments();
    const object = this.parseObject();
    this.skipWhitespaceAndComments();
    this.matchKeyword(KW.endobj);
    if (object instanceof PDFRawStream) {
      const type = object.dict.get(N.Type);
      if (type === N.ObjStm) {
        this.parseObjectStream(object);
        return;
      }
      if (type === N.XRef) {
        this.readTrailerDict(object.dict);
        return;
      }
    }
    this.context.assign(ref, object);
  }

  private parseObjectStream(stream: PDFRawStream): void {
    if (this.encrypted) return;
    const first = numberOf(stream.dict.get(N.First));
    const count = numberOf(stream.dict.get(N.N));
    if (first === undefined || count === undefined) return;
    try {
      new ObjectStreamParser(new ByteStreamCtor(decodePDFRawStream(stream).decode()), this.context).parseInto(first, count);
    } catch {
      // A broken object stream loses its objects; whether the pages survive decides the verdict.
    }
  }

  private skipXrefTable(): void {
    this.skipWhitespaceAndComments();
    if (!this.matchKeyword(KW.xref)) return;
    // Objects are read in file order, so the table itself is not needed: skip to the trailer.
    while (!this.bytes.done()) {
      this.skipWhitespaceAndComments();
      const b = this.bytes.peek();
      if (!isDigit(b) && b !== 0x66 /* f */ && b !== 0x6e /* n */) return;
      this.bytes.next();
    }
  }

  private parseTrailer(): void {
    this.skipWhitespaceAndComments();
    if (this.matchKeyword(KW.trailer)) {
      this.skipWhitespaceAndComments();
      const dict = this.parseObject();
      if (dict instanceof PDFDict) this.readTrailerDict(dict);
    }
    this.skipWhitespaceAndComments();
    if (this.matchKeyword(KW.startxref)) {
      this.skipWhitespaceAndComments();
      while (!this.bytes.done() && isDigit(this.bytes.peek())) this.bytes.next();
      this.skipWhitespaceAndComments();
      this.matchKeyword(KW.eof);
    }
  }

  private readTrailerDict(dict: PDFDict): void {
    this.root = dict.get(N.Root) ?? this.root;
    this.info = dict.get(N.Info) ?? this.info;
    if (dict.get(N.Encrypt)) this.encrypted = true;
  }

  /** Skip bytes up to the next indirect object, xref table or trailer (some writers leave junk between objects). */
  private skipJibberish(): void {
    this.skipWhitespaceAndComments();
    while (!this.bytes.done()) {
      const start = this.bytes.offset();
      const b = this.bytes.peek();
      if (b === 0x78 /* x */ || b === 0x74 /* t */ || b === 0x73 /* s */ || isDigit(b)) {
        if (this.matchKeyword(KW.xref) || this.matchKeyword(KW.trailer) || this.matchKeyword(KW.startxref)) {
          this.bytes.moveTo(start);
          return;
        }
        if (isDigit(b)) {
          try {
            this.parseObjectHeader();
            this.bytes.moveTo(start);
            return;
          } catch {
            this.bytes.moveTo(start);
          }
        }
      }
      this.bytes.next();
    }
  }

  private skipToAfter(keyword: number[]): void {
    while (!this.bytes.done()) {
      if (this.matchKeyword(keyword)) return;
      this.bytes.next();
    }
    throw new Error('unterminated object');
  }
}

class ObjectStreamParser extends QuietObjectParser {
  parseInto(first: number, count: number): void {
    const entries: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      this.skipWhitespaceAndComments();
      const objectNumber = this.parseRawInt();
      this.skipWhitespaceAndComments();
      entries.push([objectNumber, this.parseRawInt()]);
    }
    for (const [objectNumber, offset] of entries) {
      this.bytes.moveTo(first + offset);
      this.context.assign(PDFRef.of(objectNumber, 0), this.parseObject());
    }
  }
}

export function numberOf(object: PDFObject | undefined): number | undefined {
  return object instanceof PDFNumber ? object.asNumber() : undefined;
}

/** A stream's decoded bytes (Flate, LZW, ASCII85, ASCIIHex, RunLength). */
export function decodeStream(stream: PDFRawStream): Uint8Array {
  try {
    return stream.dict.get(name('Filter')) ? decodePDFRawStream(stream).decode() : stream.contents;
  } catch {
    // An unsupported or broken filter: no text from this stream rather than no document.
    return new Uint8Array(0);
  }
}
