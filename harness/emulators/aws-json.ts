import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

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
