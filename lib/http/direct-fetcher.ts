import { Agent, request } from 'undici';
import { classify, TransientError, VehicleFailedError, type FleetPdfError } from '../core/errors.js';
import type { HttpGet, HttpGetAnswer, HttpGetRequest } from '../core/portal/direct-document.js';
import { checkDeclaredSize, DEFAULT_MAX_PDF_BYTES } from '../core/portal/size-limit.js';
import { ACCEPT_ENCODING, readBody } from './body.js';
import { cookieHeader } from './cookie-header.js';

export interface DirectFetcherOptions {
  /** Sockets per portal origin at most: one per worker, like a page each. */
  connections: number;
  /** Budget to connect, for the headers, and between body chunks, in ms (each request also has its own total budget). */
  stepTimeoutMs: number;
  /**
   * Larger answers are refused as `too_large`, not retried: from `Content-Length` before a byte
   * is read, else as the decoded body passes it (`--max-pdf-mb`). @default 64 MiB
   */
  maxBodyBytes?: number;
  /** Idle keep-alive sockets are closed after this, in ms. @default 10_000 */
  keepAliveTimeoutMs?: number;
  /** @default 'fleetpdf' */
  userAgent?: string;
}

/** Socket-level codes that mean "the portal cannot be reached right now". */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * The direct path's HTTP client: undici with one keep-alive pool per portal origin, bounded
 * to `connections` sockets. Each GET carries the session cookies that match its URL, never
 * follows a redirect itself (the core decides what a redirect means), and turns network
 * failures and timeouts into the same TransientErrors a page would give.
 */
export class DirectFetcher {
  readonly #agent: Agent;
  readonly #userAgent: string;
  readonly #maxBodyBytes: number;

  constructor(options: DirectFetcherOptions) {
    this.#userAgent = options.userAgent ?? 'fleetpdf';
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_PDF_BYTES;
    this.#agent = new Agent({
      connections: options.connections,
      connect: { timeout: options.stepTimeoutMs },
      headersTimeout: options.stepTimeoutMs,
      bodyTimeout: options.stepTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    });
  }

  /** The HttpGet port, bound to this client. */
  readonly get: HttpGet = async (req: HttpGetRequest): Promise<HttpGetAnswer> => {
    const headers: Record<string, string> = {
      accept: 'application/pdf,*/*;q=0.8',
      'accept-encoding': ACCEPT_ENCODING,
      ...req.headers,
      'user-agent': this.#userAgent,
    };
    const method = req.method ?? 'GET';
    const cookie = cookieHeader(req.url, req.cookies);
    if (cookie) headers.cookie = cookie;
    const signal = AbortSignal.timeout(req.timeoutMs);
    try {
      const { statusCode, headers: answer, body } = await request(req.url, {
        method,
        headers,
        ...(req.body === undefined ? {} : { body: req.body }),
        dispatcher: this.#agent,
        // headersTimeout/bodyTimeout are idle timers; this bounds the whole request (a body that trickles).
        signal,
      });
      const where = `${method} ${req.url.pathname}`;
      const encoding = first(answer['content-encoding']);
      // Content-Length counts the encoded bytes: over the limit even before decoding.
      try {
        checkDeclaredSize(first(answer['content-length']), this.#maxBodyBytes, where);
      } catch (error) {
        body.destroy();
        throw error;
      }
      const bytes = await readBody(body, encoding, this.#maxBodyBytes, where);
      const result: HttpGetAnswer = { status: statusCode, body: bytes };
      const location = first(answer.location);
      const retryAfter = first(answer['retry-after']);
      const contentType = first(answer['content-type']);
      if (contentType !== undefined) result.contentType = contentType;
      if (location !== undefined) result.location = location;
      if (retryAfter !== undefined) result.retryAfter = retryAfter;
      return result;
    } catch (error) {
      if (error instanceof VehicleFailedError || (error instanceof TransientError && error.reason === 'bad_encoding')) throw error;
      // A body read past the budget fails with the stream's AbortError, not a TimeoutError.
      throw httpFailure(signal.aborted ? signal.reason : error, `${method} ${req.url.pathname}`, req.timeoutMs);
    }
  };

  /** Drop every socket; requests still in flight fail (the run is over by then). */
  async close(): Promise<void> {
    await this.#agent.destroy().catch(() => undefined);
  }
}

/**
 * A failed request as the pipeline understands it. Messages name the path only: never the
 * query string or a header (the Cookie header holds the session).
 */
export function httpFailure(error: unknown, what: string, timeoutMs: number): FleetPdfError {
  const code = errorCode(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || (code !== undefined && TIMEOUTS.has(code))) {
    return new TransientError(`no answer within ${timeoutMs} ms on ${what}`, 'timeout', { cause: error });
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new TransientError(`cannot reach the portal (${code}) on ${what}`, 'unreachable', { cause: error });
  }
  return classify(error);
}

/** undici puts the socket's code on the error or on its cause. */
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth += 1) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
