import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './aws-json.js';

/**
 * A tiny AWS CloudFormation stand-in (no npm emulator covers it): an HTTP server speaking the
 * service's query protocol (`POST /`, form body `Action=DescribeStacks&StackName=...`, XML
 * answers) for DescribeStacks only, so `fleetpdf cloud` resolves a stack's outputs through the
 * real `@aws-sdk/client-cloudformation` (point it here with AWS_ENDPOINT_URL_CLOUDFORMATION).
 * Tests put stacks in with `putStack`; signatures are not checked; every call is recorded.
 */

const REGION = 'us-east-1';
const ACCOUNT_ID = '123456789012';
const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export interface StandInStack {
  name: string;
  /** @default 'CREATE_COMPLETE' */
  status?: string;
  /** OutputKey -> OutputValue. */
  outputs: Record<string, string>;
}

export interface CloudFormationStandIn {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Add or replace a stack. */
  putStack(stack: StandInStack): void;
  /** Every request: its Action and form parameters. */
  readonly calls: { action: string; params: Record<string, string> }[];
  close(): Promise<void>;
}

export async function startCloudFormation(port = 0): Promise<CloudFormationStandIn> {
  const stacks = new Map<string, StandInStack & { id: string; created: Date }>();
  const calls: CloudFormationStandIn['calls'] = [];

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const action = params.Action ?? '';
    calls.push({ action, params });
    if (req.method !== 'POST' || action !== 'DescribeStacks') {
      sendError(res, 400, 'InvalidAction', `${action || '(no Action)'} is not supported by the stand-in`);
      return;
    }
    const wanted = params.StackName;
    const found = wanted ? [...stacks.values()].filter((s) => s.name === wanted || s.id === wanted) : [...stacks.values()];
    if (wanted && found.length === 0) {
      // What CloudFormation answers for a stack name it does not know.
      sendError(res, 400, 'ValidationError', `Stack with id ${wanted} does not exist`);
      return;
    }
    const members = found.map((s) => {
      const outputs = Object.entries(s.outputs)
        .map(([key, value]) => `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`)
        .join('');
      return (
        `<member><StackName>${xml(s.name)}</StackName><StackId>${xml(s.id)}</StackId>` +
        `<CreationTime>${s.created.toISOString()}</CreationTime><StackStatus>${xml(s.status ?? 'CREATE_COMPLETE')}</StackStatus>` +
        `<Outputs>${outputs}</Outputs></member>`
      );
    });
    send(
      res,
      200,
      `<DescribeStacksResponse xmlns="${NAMESPACE}"><DescribeStacksResult><Stacks>${members.join('')}</Stacks></DescribeStacksResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  }

  const listening = await listenOnLoopback(server, port, 'cloudformation');
  return {
    server,
    endpoint: listening.endpoint,
    calls,
    putStack(stack) {
      stacks.set(stack.name, {
        ...stack,
        id: `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${stack.name}/${randomUUID()}`,
        created: new Date(),
      });
    },
    close: listening.close,
  };
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(
    res,
    status,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID() });
  res.end(body);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
