import { oneLine } from './one-line.js';

/** Nothing but whitespace and NUL bytes (or nothing at all). */
export function isBlank(body: Buffer): boolean {
  for (const b of body) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0x0c && b !== 0x00) return false;
  return true;
}

/** One line that says what the body was: an HTML page (with its title), JSON, or so many bytes of text or binary. */
export function describeNotPdf(body: Buffer): string {
  const head = body.subarray(0, 64 * 1024).toString('utf8').replace(/^\uFEFF/, '');
  const start = head.trimStart();
  if (/^<(!doctype\s+html|html|head|body|!--|\?xml[^>]*>\s*(<!doctype[^>]*>\s*)?<html)/i.test(start) || /<html[\s>]/i.test(head.slice(0, 1024))) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(head)?.[1];
    const text = title ? oneLine(decodeEntities(title), 80) : '';
    return text ? `got an HTML page ("${text}") instead of a PDF` : 'got an HTML page instead of a PDF';
  }
  if (/^[{[]/.test(start)) {
    const snippet = oneLine(start, 80);
    return `got JSON instead of a PDF (${snippet})`;
  }
  const sample = body.subarray(0, 512);
  let printable = 0;
  for (const b of sample) if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d || b >= 0x80) printable++;
  const isText = printable >= sample.length * 0.95 && !sample.includes(0);
  if (isText) {
    const snippet = oneLine(start, 60);
    return `got ${body.length} bytes of text${snippet ? ` ("${snippet}")` : ''} instead of a PDF`;
  }
  return `got ${body.length} bytes of binary instead of a PDF`;
}

function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
    }
    return named[e.toLowerCase()] ?? all;
  });
}
