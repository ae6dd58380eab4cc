import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

/**
 * How the demo portal delivers PDFs, to reproduce what real portals (and hostile ones) do:
 * a compressed body, a redirect to a file host on another origin, a huge file, a trickle.
 * dealer-values PDFs only; the default is a plain `application/pdf` body with its length.
 */
export interface PdfDelivery {
  /** Send PDFs with this `Content-Encoding`. */
  encoding?: 'gzip' | 'deflate' | 'br';
  /**
   * PDF URLs answer 302 to a second listener (another port, so another origin) that serves the
   * file without any session and records the `Cookie` header of every request it gets
   * (`DemoPortal.otherOrigin`): a session cookie arriving there is a leak.
   */
  otherOrigin?: boolean;
  /**
   * These refs' PDFs are `mb` MB: the real PDF, then padding, streamed in 1 MiB chunks and never
   * held in memory. `contentLength: false` sends them chunked (the size known only at the end).
   */
  huge?: { refs: readonly string[]; mb: number; contentLength?: boolean };
  /** Send PDF bodies at this many bytes per second (a trickle that idle timers never see). */
  trickleBytesPerSec?: number;
}

/** The second origin of `PdfDelivery.otherOrigin`. */
export interface OtherOrigin {
  url: string;
  /** The `Cookie` header of each request it got ('' for none), in order. */
  cookies(): string[];
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

function encode(bytes: Buffer, encoding: PdfDelivery['encoding']): Buffer {
  if (encoding === 'gzip') return gzipSync(bytes);
  if (encoding === 'deflate') return deflateSync(bytes);
  if (encoding === 'br') return brotliCompressSync(bytes);
  return bytes;
}

const gone = (res: ServerResponse) => res.writableEnded || res.destroyed;

/** Write `chunk`, waiting for the socket to drain (or the client to leave). */
function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (gone(res) || res.write(chunk)) {
      resolve();
      return;
    }
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Send one PDF the way `delivery` says (headers: the route's, e.g. Content-Disposition). */
export async function sendPdf(res: ServerResponse, ref: string, pdf: Buffer, delivery: PdfDelivery, headers: Record<string, string>): Promise<void> {
  if (gone(res)) return;
  const huge = delivery.huge?.refs.includes(ref) ? delivery.huge : undefined;
  if (huge) {
    const total = Math.max(pdf.length, Math.round(huge.mb * MiB));
    res.writeHead(200, { 'Content-Type': 'application/pdf', ...headers, ...(huge.contentLength === false ? {} : { 'Content-Length': String(total) }) });
    await write(res, pdf);
    const padding = Buffer.alloc(MiB, 0x20);
    for (let sent = pdf.length; sent < total && !gone(res); sent += padding.length) {
      await write(res, padding.subarray(0, Math.min(padding.length, total - sent)));
    }
    if (!gone(res)) res.end();
    return;
  }
  const body = encode(pdf, delivery.encoding);
  res.writeHead(200, {
    'Content-Type': 'application/pdf',
    ...headers,
    'Content-Length': String(body.length),
    ...(delivery.encoding ? { 'Content-Encoding': delivery.encoding } : {}),
  });
  const rate = delivery.trickleBytesPerSec;
  if (!rate) {
    res.end(body);
    return;
  }
  // Ten small writes a second: the body keeps moving, so only a total budget stops it.
  const step = Math.max(1, Math.floor(rate / 10));
  for (let at = 0; at < body.length && !gone(res); at += step) {
    await write(res, body.subarray(at, at + step));
    await pause(100);
  }
  if (!gone(res)) res.end();
}

/**
 * Start the second origin on `host` (a free port): GET /files/<ref>.pdf serves that PDF
 * (found by `pdfFor`) to anyone, recording the Cookie header it came with.
 */
export async function startOtherOrigin(
  host: string,
  pdfFor: (ref: string) => Promise<Buffer | undefined>,
  delivery: PdfDelivery,
): Promise<OtherOrigin> {
  const seen: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.headers.cookie ?? '');
    const match = /^\/files\/([^/?]+)\.pdf(?:\?|$)/.exec(req.url ?? '');
    const ref = match ? decodeURIComponent(match[1]!) : undefined;
    (ref === undefined ? Promise.resolve(undefined) : pdfFor(ref))
      .then((pdf) => {
        if (!pdf || ref === undefined) {
          res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
          return;
        }
        return sendPdf(res, ref, pdf, { ...delivery, otherOrigin: false }, { 'Content-Disposition': `attachment; filename="${encodeURIComponent(ref)}.pdf"` });
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}`,
    cookies: () => [...seen],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
