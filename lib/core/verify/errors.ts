import { DocumentRejectedError } from '../errors.js';
import type { CapExceeded, CapName } from './types.js';

/**
 * Thrown inside a worker thread when a document goes over a decoding cap. pdf.js catches
 * errors and reads on (it is lenient by design), so the meter also remembers the first one:
 * the verdict comes from the meter, not from whether pdf.js let this error through.
 */
export class CapExceededError extends RangeError {
  constructor(readonly exceeded: CapExceeded) {
    super(`over ${exceeded.cap}: ${exceeded.size} > ${exceeded.limit}`);
    this.name = 'CapExceededError';
  }
}

const UNITS: Record<CapName, (n: number) => string> = {
  maxStreamBytes: formatBytes,
  maxDocumentBytes: formatBytes,
  maxPages: (n) => `${n} pages`,
  maxHeapMb: (n) => `${n} MB`,
  timeoutMs: (n) => `${n} ms`,
};

/** The rejection of a document over a cap: what went over, how far, and the cap (a `too_large`, not retried). */
export function tooLarge(exceeded: CapExceeded): DocumentRejectedError {
  const rounded = UNITS[exceeded.cap];
  // Just over a cap, rounding would show the size equal to it: then both in plain bytes.
  const exact = exceeded.cap.endsWith('Bytes') && rounded(exceeded.size) === rounded(exceeded.limit);
  const unit = exact ? (n: number) => `${n} bytes` : rounded;
  const cap = `cap ${exceeded.cap} ${unit(exceeded.limit)}`;
  const what = {
    maxStreamBytes: `a stream decodes to more than the cap (it asked for a ${unit(exceeded.size)} buffer, ${cap})`,
    maxDocumentBytes: `decoding it takes more than the cap (${unit(exceeded.size)} so far, ${cap})`,
    maxPages: `it has ${unit(exceeded.size)} (${cap})`,
    maxHeapMb: `reading it needs more JS heap than the cap (${cap})`,
    timeoutMs: `reading it took longer than the cap (${unit(exceeded.size)}, ${cap})`,
  }[exceeded.cap];
  return new DocumentRejectedError(`PDF is too large: ${what}`, 'too_large');
}

/** `512 KiB`, `32 MiB`, `1.5 GiB`; plain bytes below 1 KiB. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'] as const;
  let value = n;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  const shown = i === 0 ? String(value) : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[i]}`;
}
