import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { sendAwsJson, ServiceError } from './aws-json.js';

/**
 * A tiny stand-in for the part of the AWS Lambda API that manages SQS event source mappings
 * (no emulator here runs Lambda): Create, Get and UpdateEventSourceMapping over the real
 * REST-JSON protocol (`/2015-03-31/event-source-mappings/...`), so the circuit breaker's
 * `LambdaEventSourceSwitch` and the tests' `SqsEventSource` poller talk to it through the
 * real `@aws-sdk/client-lambda`. Like the service, a mapping passes through `Enabling` /
 * `Disabling` (for `transitionMs`) and refuses another update meanwhile
 * (ResourceInUseException). Signatures are not checked.
 */

type MappingState = 'Enabled' | 'Disabled' | 'Enabling' | 'Disabling';

interface Mapping {
  UUID: string;
  EventSourceArn: string;
  FunctionArn: string;
  BatchSize: number;
  State: MappingState;
  StateTransitionReason: string;
  LastModified: number;
  ScalingConfig?: { MaximumConcurrency?: number };
}

const PREFIX = '/2015-03-31/event-source-mappings';


export interface LambdaMappingsStandIn {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  close(): Promise<void>;
}

/** Start the stand-in on a free port of 127.0.0.1; state changes settle after `transitionMs`. */
export async function startLambdaEventSourceMappings(transitionMs = 100): Promise<LambdaMappingsStandIn> {
  const mappings = new Map<string, Mapping>();
  const timers = new Set<NodeJS.Timeout>();
  const find = (uuid: string): Mapping => {
    const mapping = mappings.get(uuid);
    if (!mapping) throw new ServiceError('ResourceNotFoundException', `The resource you requested does not exist. (Service: Lambda; UUID: ${uuid})`, 404);
    return mapping;
  };
  const settle = (mapping: Mapping, to: 'Enabled' | 'Disabled') => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      mapping.State = to;
    }, transitionMs);
    timers.add(timer);
  };

  const handle = async (req: IncomingMessage): Promise<{ status: number; body: unknown }> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    const body = await readJson(req);
    if (req.method === 'POST' && path === PREFIX) {
      const input = body as { EventSourceArn?: string; FunctionName?: string; Enabled?: boolean; BatchSize?: number; ScalingConfig?: Mapping['ScalingConfig'] };
      if (!input.EventSourceArn || !input.FunctionName) throw new ServiceError('InvalidParameterValueException', 'EventSourceArn and FunctionName are required', 400);
      const mapping: Mapping = {
        UUID: randomUUID(),
        EventSourceArn: input.EventSourceArn,
        FunctionArn: input.FunctionName.startsWith('arn:') ? input.FunctionName : `arn:aws:lambda:us-east-1:123456789012:function:${input.FunctionName}`,
        BatchSize: input.BatchSize ?? 10,
        State: input.Enabled === false ? 'Disabled' : 'Enabled',
        StateTransitionReason: 'USER_INITIATED',
        LastModified: Date.now() / 1000,
        ...(input.ScalingConfig ? { ScalingConfig: input.ScalingConfig } : {}),
      };
      mappings.set(mapping.UUID, mapping);
      return { status: 202, body: mapping };
    }
    const uuid = path.startsWith(`${PREFIX}/`) ? decodeURIComponent(path.slice(PREFIX.length + 1)) : undefined;
    if (uuid && req.method === 'GET') return { status: 200, body: find(uuid) };
    if (uuid && req.method === 'PUT') {
      const mapping = find(uuid);
      const input = body as { Enabled?: boolean; BatchSize?: number };
      if (mapping.State === 'Enabling' || mapping.State === 'Disabling') {
        throw new ServiceError('ResourceInUseException', `Cannot update the event source mapping because it is in use (state ${mapping.State}).`, 409);
      }
      if (input.BatchSize !== undefined) mapping.BatchSize = input.BatchSize;
      if (input.Enabled !== undefined && (mapping.State === 'Enabled') !== input.Enabled) {
        mapping.State = input.Enabled ? 'Enabling' : 'Disabling';
        settle(mapping, input.Enabled ? 'Enabled' : 'Disabled');
      }
      mapping.LastModified = Date.now() / 1000;
      return { status: 202, body: mapping };
    }
    throw new ServiceError('UnrecognizedClientException', `${req.method} ${path} is not supported by this stand-in`, 400);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handle(req).then(
      ({ status, body }) => send(res, status, body),
      (error: unknown) => {
        const e = error instanceof ServiceError ? error : new ServiceError('ServiceException', String(error), 500);
        send(res, e.status, { Type: e.status < 500 ? 'User' : 'Service', message: e.message }, e.type);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('lambda stand-in: no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  sendAwsJson(res, 'application/json', status, body, errorType);
}
