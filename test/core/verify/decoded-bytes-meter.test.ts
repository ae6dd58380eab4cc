import { describe, expect, it } from 'vitest';
import { DecodedBytesMeter } from '../../../lib/core/verify/decoded-bytes-meter.js';
import { CapExceededError } from '../../../lib/core/verify/errors.js';

/** A stand-in for a worker thread's global scope: the meter replaces its constructors, not this thread's. */
function scope() {
  return {
    Uint8Array,
    Int32Array,
    Float64Array,
    ArrayBuffer,
    DecompressionStream: class {},
  } as unknown as typeof globalThis & { DecompressionStream?: unknown };
}

const caps = { maxStreamBytes: 1024, maxDocumentBytes: 4096 };

describe('DecodedBytesMeter', () => {
  it('counts the bytes every typed array and ArrayBuffer allocates, not views on existing buffers', () => {
    const g = scope();
    const meter = new DecodedBytesMeter();
    meter.install(g);
    meter.begin(caps);
    new g.Uint8Array(100);
    new g.Int32Array(10); // 40 bytes
    new g.Float64Array([1, 2]); // a copy: 16 bytes
    const buffer = new g.ArrayBuffer(200);
    new g.Uint8Array(buffer, 0, 100); // a view: nothing new
    new g.Uint8Array(new Uint8Array(8).buffer);
    expect(meter.totalBytes).toBe(100 + 40 + 16 + 200);
    expect(meter.end()).toEqual({ totalBytes: 356 });
  });

  it('refuses a buffer over maxStreamBytes before allocating it, and remembers it', () => {
    const g = scope();
    const meter = new DecodedBytesMeter();
    meter.install(g);
    const heard: unknown[] = [];
    meter.begin(caps, (exceeded) => heard.push(exceeded));
    new g.Uint8Array(1024); // at the cap: fine
    expect(() => new g.Uint8Array(2048)).toThrow(CapExceededError);
    expect(heard).toEqual([{ cap: 'maxStreamBytes', size: 2048, limit: 1024 }]);
    // Past a cap, small buffers still work (pdf.js unwinding), large ones stay refused.
    expect(new g.Uint8Array(16)).toHaveLength(16);
    expect(() => new g.Uint8Array(1000 * 1000)).toThrow(CapExceededError);
    expect(meter.end().exceeded).toEqual({ cap: 'maxStreamBytes', size: 2048, limit: 1024 });
  });

  it('refuses the allocation that takes the document over maxDocumentBytes', () => {
    const g = scope();
    const meter = new DecodedBytesMeter();
    meter.install(g);
    meter.begin(caps);
    for (let i = 0; i < 4; i++) new g.Uint8Array(1024);
    let error: unknown;
    try {
      new g.Uint8Array(1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CapExceededError);
    expect((error as CapExceededError).exceeded).toEqual({ cap: 'maxDocumentBytes', size: 4097, limit: 4096 });
  });

  it('counts nothing between documents, starts every document at zero, and keeps instanceof working', () => {
    const g = scope();
    const meter = new DecodedBytesMeter();
    meter.install(g);
    new g.Uint8Array(1_000_000);
    meter.begin(caps);
    expect(meter.totalBytes).toBe(0);
    expect(() => new g.Uint8Array(5000)).toThrow(CapExceededError);
    meter.end();
    meter.begin(caps);
    expect(meter.exceeded).toBeUndefined();
    const made = new g.Uint8Array(4);
    expect(made).toBeInstanceOf(Uint8Array);
    expect(new Uint8Array(2)).toBeInstanceOf(g.Uint8Array);
    expect(meter.end()).toEqual({ totalBytes: 4 });
  });

  it('takes the native DecompressionStream away (its output would not be counted)', () => {
    const g = scope();
    new DecodedBytesMeter().install(g);
    expect('DecompressionStream' in g).toBe(false);
    expect(globalThis.Uint8Array).toBe(Uint8Array);
  });
});
