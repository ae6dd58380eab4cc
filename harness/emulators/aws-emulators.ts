import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequestHandler } from 'local-aws-sqs';
import { startLambdaEventSourceMappings } from './lambda-event-source-mappings.js';
import { startSecretsManager } from './secrets-manager.js';

/**
 * The local AWS stand-ins, started on free ports of 127.0.0.1 (vitest's globalSetup in
 * test/emulators/global-setup.ts starts them once per test run; the chaos runner and the
 * bench start them themselves):
 * - DynamoDB: dynalite, in memory, tables ACTIVE at once;
 * - SQS: local-aws-sqs (no 60 s wait to re-create a deleted queue name);
 * - S3: s3rver in a child process (it needs NODE_OPTIONS=--openssl-legacy-provider);
 * - Secrets Manager: the stand-in of secrets-manager.ts;
 * - Lambda event source mappings: the stand-in of lambda-event-source-mappings.ts.
 * Each user creates its own uniquely named resources (createCloudResources), so the
 * emulators are never reset between test files.
 */

export interface AwsEmulatorEndpoints {
  dynamodb: string;
  sqs: string;
  s3: string;
  secretsManager: string;
  lambda: string;
  /** How long the start took (ms), for the curious: the bench prints it, no test asserts it. */
  startMs: number;
}

const HOST = '127.0.0.1';
const S3RVER_START_TIMEOUT_MS = 15_000;

type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
const require = createRequire(import.meta.url);

/** Start every stand-in (also used outside vitest, by the chaos runner's cloud scenarios). */
export async function startAwsEmulators(): Promise<{ endpoints: AwsEmulatorEndpoints; close: () => Promise<void> }> {
  const started = performance.now();
  const closers: (() => Promise<void>)[] = [];
  const teardown = async () => {
    await Promise.allSettled(closers.reverse().map((close) => close()));
  };
  // allSettled: when one fails, the ones that did start are still closed.
  const results = await Promise.allSettled([
    startDynalite(),
    startSqs(),
    startS3rver(),
    startSecretsManager(),
    startLambdaEventSourceMappings(),
  ]);
  for (const result of results) if (result.status === 'fulfilled') closers.push(result.value.close);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  const endpoint = (i: number) => (results[i] as PromiseFulfilledResult<{ endpoint: string }>).value.endpoint;
  const endpoints: AwsEmulatorEndpoints = {
    dynamodb: endpoint(0),
    sqs: endpoint(1),
    s3: endpoint(2),
    secretsManager: endpoint(3),
    lambda: endpoint(4),
    startMs: Math.round(performance.now() - started),
  };
  return { endpoints, close: teardown };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no port'));
      else resolve(address.port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

async function startDynalite(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const dynalite = loadPatchedDynalite();
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server);
  // dynalite's close waits for in-flight requests (up to 30 s); keep-alive sockets are idle here.
  return { endpoint: `http://${HOST}:${port}`, close: () => closeServer(server) };
}

/**
 * dynalite keys a GSI entry by the index key plus only the first 6 hex digits (24 bits) of an
 * md5 of the item's table key. Items that share an index key (a run's 20,000 PENDING rows all
 * have runId+status) then collide: with 2,000 such items about one in ten runs loses one from
 * the index, with 20,000 about a dozen go missing, and a status change can delete another
 * item's entry. Real DynamoDB has no such limit. Load dynalite's db module with the whole md5
 * instead (the only change), so index counts are exact.
 */
function loadPatchedDynalite(): DynaliteFactory {
  const dbPath = require.resolve('dynalite/db/index.js');
  if (!require.cache[dbPath]) {
    const source = readFileSync(dbPath, 'utf8');
    const patchPoint = ".digest('hex').slice(0, 6)";
    if (!source.includes(patchPoint)) {
      throw new Error(`dynalite changed: ${patchPoint} not found in ${dbPath}; check whether its GSI key collision is fixed`);
    }
    type CompilableModule = Module & { _compile(code: string, filename: string): void; filename: string; paths: string[]; loaded: boolean };
    const ModuleCtor = Module as unknown as { new (id: string): CompilableModule; _nodeModulePaths(dir: string): string[] };
    const patched = new ModuleCtor(dbPath);
    patched.filename = dbPath;
    patched.paths = ModuleCtor._nodeModulePaths(dirname(dbPath));
    patched._compile(source.replace(patchPoint, ".digest('hex')"), dbPath);
    patched.loaded = true;
    require.cache[dbPath] = patched;
  }
  return require('dynalite') as DynaliteFactory;
}

async function startSqs(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  // The handler rather than createSqsServer: queue URLs embed service.PORT, known only after listen(0).
  const { service, requestHandler } = createRequestHandler({
    port: 0,
    hostname: HOST,
    emulateQueueCreationLifecycle: false,
  });
  const server = createServer((req, res) => {
    void requestHandler(req, res);
  });
  const port = await listen(server);
  service.PORT = port;
  return {
    endpoint: `http://${HOST}:${port}`,
    close: async () => {
      service.resetAll();
      await closeServer(server);
    },
  };
}

async function startS3rver(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const script = fileURLToPath(new URL('./s3rver-child.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(new Error(`s3rver did not start within ${S3RVER_START_TIMEOUT_MS} ms`)), S3RVER_START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}${stderr ? `: ${stderr.trim()}` : ''}`));
    };
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`s3rver exited with code ${code}`)));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line !== undefined) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        try {
          resolve((JSON.parse(line) as { port: number }).port);
        } catch {
          fail(new Error(`s3rver printed ${JSON.stringify(line)}`));
        }
      }
    });
  });
  return { endpoint: `http://${HOST}:${port}`, close: () => stopChild(child) };
}

/** Close the child's stdin (its signal to stop and clean up); kill it if it lingers. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
  });
}
