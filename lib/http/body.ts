import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { TransientError, VehicleFailedError } from '../core/errors.js';
import { tooLarge } from '../core/portal/size-limit.js';

/** What the direct path asks for, like a browser does (a portal may gzip even its PDFs). */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

function decoder(encoding: string): Transform | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * Read a response body, decoding its `Content-Encoding` (gzip, deflate, br, in the order they
 * were applied) and stopping as soon as the decoded bytes pass `limitBytes`: a decompression
 * bomb costs at most the limit in memory, never its full size.
 */
export async function readBody(body: Readable, contentEncoding: string | undefined, limitBytes: number, what: string): Promise<Buffer> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity')
    .reverse();
  const stages: Transform[] = [];
  for (const coding of codings) {
    const stage = decoder(coding);
    if (!stage) throw new TransientError(`unknown Content-Encoding "${coding.slice(0, 20)}" on ${what}`, 'bad_encoding');
    stages.push(stage);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // pipeline destroys every stage when one fails; the error surfaces in the last stage's iteration.
  const decoded: AsyncIterable<Buffer> = stages.length ? (pipeline([body, ...stages], () => undefined) as Transform) : body;
  try {
    for await (const chunk of decoded) {
      size += chunk.length;
      // Stop reading here: leaving the loop destroys the streams (the socket is dropped).
      if (size > limitBytes) throw tooLarge(what, limitBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof VehicleFailedError || error instanceof TransientError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    // A corrupt compressed body: the portal's fault this time, maybe not the next.
    if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code.startsWith('ERR_ZLIB')) {
      throw new TransientError(`cannot decode the ${codings.join('+')} body of ${what}`, 'bad_encoding', { cause: error });
    }
    throw error;
  } finally {
    body.destroy();
    for (const stage of stages) stage.destroy();
  }
  return Buffer.concat(chunks, size);
}
