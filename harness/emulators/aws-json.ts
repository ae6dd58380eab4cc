import { randomUUID } from 'node:crypto';
import type { Server, ServerResponse } from 'node:http';

/**
 * What the JSON-speaking AWS stand-ins share (Secrets Manager, Step Functions, the Lambda
 * mapping API): a service error with its type and HTTP status, and a JSON answer with the
 * headers the SDK reads (`x-amzn-errortype` names the error it throws).
 */
export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function sendAwsJson(res: ServerResponse, contentType: string, status: number, body: unknown, errorType?: string): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(json);
}

/** Listen on loopback (`port` 0: any free one); the endpoint to give an SDK client, and a close that ends open connections. */
export async function listenOnLoopback(server: Server, port: number, name: string): Promise<{ endpoint: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`${name} stand-in: no port`);
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
