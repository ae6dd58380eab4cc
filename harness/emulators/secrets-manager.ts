import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback, sendAwsJson, ServiceError } from './aws-json.js';

/**
 * A tiny AWS Secrets Manager stand-in (there is no npm emulator for it): an HTTP server
 * speaking the service's JSON protocol (`POST /`, `X-Amz-Target: secretsmanager.<Op>`,
 * `application/x-amz-json-1.1`) for CreateSecret, PutSecretValue and GetSecretValue only,
 * so code under test talks to it through the real `@aws-sdk/client-secrets-manager`.
 * Signatures are not checked. Secrets are found by name or by the ARN it hands out.
 */

interface StoredSecret {
  name: string;
  arn: string;
  versionId: string;
  secretString?: string;
  secretBinary?: string;
  createdDate: number;
}

const REGION = 'us-east-1';
const ACCOUNT_ID = '123456789012';
const TARGET_PREFIX = 'secretsmanager.';


export interface SecretsManagerStandIn {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  close(): Promise<void>;
}

/** Start the stand-in on `port` (0: a free one) of 127.0.0.1. */
export async function startSecretsManager(port = 0): Promise<SecretsManagerStandIn> {
  const secrets = new Map<string, StoredSecret>();
  const find = (id: unknown): StoredSecret => {
    if (typeof id !== 'string' || id === '') throw new ServiceError('InvalidParameterException', 'SecretId is required');
    const byName = secrets.get(id);
    if (byName) return byName;
    for (const secret of secrets.values()) if (secret.arn === id) return secret;
    throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    CreateSecret(input) {
      const name = input.Name;
      if (typeof name !== 'string' || name === '') throw new ServiceError('InvalidParameterException', 'Name is required');
      if (secrets.has(name)) throw new ServiceError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
      const secret: StoredSecret = {
        name,
        arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:${name}-${randomUUID().slice(0, 6)}`,
        versionId: typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID(),
        createdDate: Date.now() / 1000,
      };
      setValue(secret, input);
      secrets.set(name, secret);
      return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
    },
    PutSecretValue(input) {
      const secret = find(input.SecretId);
      secret.versionId = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID();
      setValue(secret, input);
      return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] };
    },
    GetSecretValue(input) {
      const secret = find(input.SecretId);
      if (secret.secretString === undefined && secret.secretBinary === undefined) {
        throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
      }
      const out: Record<string, unknown> = {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdDate,
      };
      if (secret.secretString !== undefined) out.SecretString = secret.secretString;
      if (secret.secretBinary !== undefined) out.SecretBinary = secret.secretBinary;
      return out;
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res, operations);
  });
  const listening = await listenOnLoopback(server, port, 'secrets manager');
  return {
    server,
    endpoint: listening.endpoint,
    close: listening.close,
  };
}

function setValue(secret: StoredSecret, input: Record<string, unknown>): void {
  secret.secretString = typeof input.SecretString === 'string' ? input.SecretString : undefined;
  secret.secretBinary = typeof input.SecretBinary === 'string' ? input.SecretBinary : undefined;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  operations: Record<string, (input: Record<string, unknown>) => unknown>,
): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
      throw new ServiceError('UnknownOperationException', `not a Secrets Manager JSON request: ${req.method} ${target}`);
    }
    const operation = operations[target.slice(TARGET_PREFIX.length)];
    if (!operation) throw new ServiceError('UnknownOperationException', `${target} is not supported by the stand-in`);
    const body = Buffer.concat(chunks).toString('utf8');
    const input = (body.trim() === '' ? {} : JSON.parse(body)) as Record<string, unknown>;
    send(res, 200, operation(input));
  } catch (error) {
    if (error instanceof ServiceError) {
      send(res, error.status, { __type: error.type, message: error.message }, error.type);
    } else {
      send(res, 500, { __type: 'InternalServiceError', message: String(error) }, 'InternalServiceError');
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  sendAwsJson(res, 'application/x-amz-json-1.1', status, body, errorType);
}
