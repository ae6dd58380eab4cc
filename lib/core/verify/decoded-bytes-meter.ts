import { types } from 'node:util';
import { CapExceededError } from './errors.js';
import type { CapExceeded } from './types.js';

/**
 * Meters the bytes pdf.js decodes, inside the worker thread that runs it (never the main
 * thread: the meter replaces that thread's global typed-array constructors).
 *
 * pdf.js has no decoded-size option. Why metering allocations is sound:
 * - Every decoder of pdf.js (Flate, LZW, ASCII85/Hex, RunLength, predictors, CCITT, decryption,
 *   stream sequences) writes its output into a buffer from `DecodeStream.ensureBuffer`, which
 *   calls `new Uint8Array(size)` on the global; the image decoders and Brotli allocate typed
 *   arrays the same way. All of these are constructor calls through the globals this meter
 *   replaces, so no decoded byte reaches memory without being counted first, and a buffer over
 *   a cap is refused before it is allocated.
 * - The one native decoder pdf.js uses, `DecompressionStream` (it inflates content, fonts and
 *   CMaps off the JS path), is removed from the thread: its chunks would pile up in native
 *   memory unseen. pdf.js then falls back to its JS FlateStream, which is metered.
 * - External memory (ArrayBuffers) is exactly what the worker's V8 heap limit does not cover;
 *   strings and objects are, so the two together bound the thread.
 *
 * A buffer that grows by doubling counts every size it had (up to twice the decoded bytes), and
 * a stream decoded again (one content stream shared by 100 pages) counts again: the document
 * total is an upper bound of the decoded bytes. A single buffer over `maxStreamBytes` is one
 * stream over its cap; with a power-of-two cap the doubling never refuses a stream under it.
 */
export class DecodedBytesMeter {
  /** Set while a document is being read; allocations outside a document are not counted. */
  #caps: { maxStreamBytes: number; maxDocumentBytes: number } | undefined;
  #totalBytes = 0;
  #exceeded: CapExceeded | undefined;
  #onExceeded: ((exceeded: CapExceeded) => void) | undefined;
  #installed = false;

  /** Replace the typed-array and ArrayBuffer constructors of `scope` with metering ones, once. */
  install(scope: typeof globalThis = globalThis): void {
    if (this.#installed) return;
    this.#installed = true;
    const globals = scope as unknown as Record<string, unknown>;
    for (const name of TYPED_ARRAYS) {
      const original = globals[name] as ((new (...args: unknown[]) => ArrayBufferView) & { BYTES_PER_ELEMENT: number }) | undefined;
      if (original) globals[name] = this.#meter(original, (args) => typedArrayBytes(args, original.BYTES_PER_ELEMENT));
    }
    for (const name of BUFFERS) {
      const original = globals[name] as (new (...args: unknown[]) => ArrayBufferLike) | undefined;
      if (original) globals[name] = this.#meter(original, (args) => toLength(args[0]));
    }
    // The native inflater would decode unseen (see above); pdf.js catches its absence and uses its own.
    delete (globals as { DecompressionStream?: unknown }).DecompressionStream;
  }

  /** Start counting one document; `onExceeded` hears the first cap it goes over. */
  begin(caps: { maxStreamBytes: number; maxDocumentBytes: number }, onExceeded?: (exceeded: CapExceeded) => void): void {
    this.#caps = caps;
    this.#totalBytes = 0;
    this.#exceeded = undefined;
    this.#onExceeded = onExceeded;
  }

  /** Stop counting; what the document took. */
  end(): { totalBytes: number; exceeded?: CapExceeded } {
    this.#caps = undefined;
    this.#onExceeded = undefined;
    return { totalBytes: this.#totalBytes, ...(this.#exceeded ? { exceeded: this.#exceeded } : {}) };
  }

  /** The first cap the current document went over. */
  get exceeded(): CapExceeded | undefined {
    return this.#exceeded;
  }

  /** Bytes counted for the current document so far. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** Count an allocation of `bytes`; throws CapExceededError when it takes the document over a cap. */
  charge(bytes: number): void {
    const caps = this.#caps;
    if (!caps || bytes <= 0) return;
    this.#totalBytes += bytes;
    if (this.#exceeded) {
      // Past a cap pdf.js may still be unwinding: small buffers let it do so, large ones stay refused.
      if (bytes >= AFTER_EXCEEDED_MAX_BYTES) throw new CapExceededError(this.#exceeded);
      return;
    }
    let exceeded: CapExceeded | undefined;
    if (bytes > caps.maxStreamBytes) exceeded = { cap: 'maxStreamBytes', size: bytes, limit: caps.maxStreamBytes };
    else if (this.#totalBytes > caps.maxDocumentBytes) exceeded = { cap: 'maxDocumentBytes', size: this.#totalBytes, limit: caps.maxDocumentBytes };
    if (!exceeded) return;
    this.#exceeded = exceeded;
    this.#onExceeded?.(exceeded);
    throw new CapExceededError(exceeded);
  }

  #meter<T extends new (...args: unknown[]) => object>(original: T, bytesOf: (args: unknown[]) => number): T {
    // A Proxy, not a subclass: `x instanceof Uint8Array` stays true for arrays made natively.
    return new Proxy(original, {
      construct: (target, args, newTarget) => {
        this.charge(bytesOf(args));
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
  }
}

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;
const BUFFERS = ['ArrayBuffer', 'SharedArrayBuffer'] as const;

/** After a cap is exceeded, allocations this large still throw. */
const AFTER_EXCEEDED_MAX_BYTES = 4096;

/** Bytes a `new XArray(...args)` allocates: by length or by copying; none for a view on an existing buffer. */
function typedArrayBytes(args: unknown[], bytesPerElement: number): number {
  const first = args[0];
  if (first === undefined || first === null) return 0;
  if (typeof first !== 'object') return toLength(first) * bytesPerElement;
  if (types.isAnyArrayBuffer(first)) return 0;
  const length = (first as { length?: unknown }).length;
  return typeof length === 'number' ? toLength(length) * bytesPerElement : 0;
}

function toLength(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
