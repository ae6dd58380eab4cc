import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Disposition, DocumentRejectedError } from '../../lib/core/errors.js';
import { DEFAULT_CAPS, PdfVerifier } from '../../lib/core/verify/index.js';
import { pdfLibPdf } from '../core/verify/pdf-fixtures.js';
import { hugeArrayBomb, inflateBomb, manyPages, MiB, multiStreamBomb, sharedContentBomb, textItemsBomb } from './hostile-pdfs.js';

/**
 * Hostile documents a portal (or whoever sits between it and us) could serve: each names the
 * vehicle on page 1, so only a cap refuses it; a refusal is `too_large` and not retried. The
 * main thread keeps serving timers and other documents meanwhile, and memory stays bounded.
 */

const VEHICLE = { ref: '40213377' };

/** RSS of this process (its worker threads included), sampled while hostile documents are read. */
class RssWatch {
  readonly baselineBytes = process.memoryUsage().rss;
  peakBytes = this.baselineBytes;
  readonly #timer = setInterval(() => this.sample(), 10);
  sample(): void {
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage().rss);
  }
  stop(): void {
    clearInterval(this.#timer);
    this.sample();
  }
}

async function refusal(verifier: PdfVerifier, body: Buffer): Promise<DocumentRejectedError> {
  const error = await verifier.verify(body, VEHICLE).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentRejectedError);
  const rejected = error as DocumentRejectedError;
  expect(rejected.message).not.toContain('\n');
  return rejected;
}

describe('decompression bombs and oversized documents (default caps)', () => {
  const verifier = new PdfVerifier({ threads: 1 });
  let normal: Buffer;
  let rss: RssWatch;
  beforeAll(async () => {
    normal = await pdfLibPdf([`Reference: ${VEHICLE.ref}`]);
    await verifier.verify(normal, VEHICLE); // the thread is up: what follows measures documents only
    rss = new RssWatch();
  });
  afterAll(async () => {
    rss.stop();
    await verifier.close();
  });

  it.each([
    ['a 1 MB PDF whose content stream inflates to 1 GiB', () => inflateBomb(1024 * MiB), /a stream decodes to more than the cap \(it asked for a 64 MiB buffer, cap maxStreamBytes 32 MiB\)$/],
    ['a 4 MB PDF of four streams inflating to 1 GiB each', () => multiStreamBomb(4, 1024 * MiB), /cap maxStreamBytes 32 MiB\)$/],
    ['an 86 KB PDF whose 100 pages share one 64 MiB content stream', () => sharedContentBomb(100, 64 * MiB), /cap maxStreamBytes 32 MiB\)$/],
    ['100 pages sharing one 8 MiB content stream (decoded again for every page)', () => sharedContentBomb(100, 8 * MiB), /decoding it takes more than the cap \((\d+(\.\d)? MiB so far, cap maxDocumentBytes 128 MiB|1342\d{5} bytes so far, cap maxDocumentBytes 134217728 bytes)\)$/],
    ['600 pages', () => manyPages(600), /it has 600 pages \(cap maxPages 500 pages\)$/],
  ])('refuses %s as too_large, naming the size and the cap, and does not retry it', async (_what, build, message) => {
    const body = build();
    const error = await refusal(verifier, body);
    expect(error.reason).toBe('too_large');
    expect(error.message).toMatch(/^PDF is too large: /);
    expect(error.message).toMatch(message);
    expect(error.disposition).toBe(Disposition.FAIL);
    // The same thread (or its replacement) still verifies a normal document afterwards.
    expect((await verifier.verify(normal, VEHICLE)).matched).toEqual(['ref']);
  });

  it('keeps the process within a bound derived from the caps while reading them', () => {
    rss.stop();
    // One thread at its caps: decoded bytes, JS heap, plus the bodies and pdf.js themselves.
    const boundBytes = DEFAULT_CAPS.maxDocumentBytes + DEFAULT_CAPS.maxHeapMb * MiB + 256 * MiB;
    console.log(`hostile PDFs: RSS ${Math.round(rss.baselineBytes / MiB)} MiB before, peak ${Math.round(rss.peakBytes / MiB)} MiB`);
    expect(rss.peakBytes - rss.baselineBytes).toBeLessThan(boundBytes);
  });
});

describe('a bomb does not hold up the main thread or the documents after it', () => {
  const verifier = new PdfVerifier({ threads: 1 });
  afterAll(() => verifier.close());

  it('timers keep firing while a bomb is read, and a normal PDF submitted after it is verified after it', async () => {
    const normal = await pdfLibPdf([`Reference: ${VEHICLE.ref}`]);
    await verifier.verify(normal, VEHICLE);
    const order: string[] = [];
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 5);
    let ticksWhenBombSettled = -1;
    const bomb = verifier.verify(inflateBomb(1024 * MiB), VEHICLE).then(
      () => order.push('bomb verified'),
      (error: DocumentRejectedError) => {
        ticksWhenBombSettled = ticks;
        order.push(`bomb ${error.reason}`);
      },
    );
    const after = verifier.verify(normal, VEHICLE).then((doc) => order.push(`normal ${doc.matched.join('+')}`));
    const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void order.push('timer')), 0));
    await Promise.all([bomb, after, timer]);
    clearInterval(ticker);
    // A timer set after the bomb was handed over fires before the bomb is done: the loop was never blocked.
    expect(order).toEqual(['timer', 'bomb too_large', 'normal ref']);
    expect(ticksWhenBombSettled).toBeGreaterThanOrEqual(5);
  });
});

describe('the last-resort caps: heap and time', () => {
  it('refuses a document whose content needs more heap than maxHeapMb, ends that thread and goes on with a new one', async () => {
    const verifier = new PdfVerifier({ threads: 1, maxHeapMb: 64 });
    try {
      const error = await refusal(verifier, hugeArrayBomb(7_000_000));
      expect(error.reason).toBe('too_large');
      expect(error.message).toBe('PDF is too large: reading it needs more JS heap than the cap (cap maxHeapMb 64 MB)');
      expect((await verifier.verify(await pdfLibPdf([`Reference: ${VEHICLE.ref}`]), VEHICLE)).matched).toEqual(['ref']);
    } finally {
      await verifier.close();
    }
  });

  it('refuses a document still being read after timeoutMs, ends that thread and goes on with a new one', async () => {
    // 30 MiB of `(A) '`: five million text items, seconds of CPU with little decoded data or heap.
    const verifier = new PdfVerifier({ threads: 1, timeoutMs: 300 });
    try {
      const error = await refusal(verifier, textItemsBomb(30 * MiB));
      expect(error.reason).toBe('too_large');
      expect(error.message).toBe('PDF is too large: reading it took longer than the cap (300 ms, cap timeoutMs 300 ms)');
      expect(error.disposition).toBe(Disposition.FAIL);
      expect((await verifier.verify(await pdfLibPdf([`Reference: ${VEHICLE.ref}`]), VEHICLE)).matched).toEqual(['ref']);
      expect(verifier.threads).toBe(1);
    } finally {
      await verifier.close();
    }
  });
});
