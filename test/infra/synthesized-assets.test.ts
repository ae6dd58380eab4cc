import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReply, WorkerSetup } from '../../lib/core/verify/types.js';
import { startWorker } from '../../lib/core/verify/worker-launch.js';
import { PDF_WORKER_BUNDLE, projectRoot } from '../../lib/infra/worker-function.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudFixture, getObject } from '../../harness/cloud.js';
import { inflateBomb, MiB } from '../security/hostile-pdfs.js';
import { removeSynthDirs, tempDir } from '../../harness/synth.js';

/**
 * What `npx cdk synth` really produces, run the way Lambda runs it: the Downloader's asset
 * (esbuild's index.mjs, CDK's afterBundling pdf-worker.mjs, the npm-installed browser
 * packages) imported by a fresh Node process from the asset folder, its handler called with an
 * SQS event, the AWS SDK beside the asset as the runtime provides it, and nothing else:
 * no project node_modules, so no @napi-rs/canvas either. Slow (a real synth, tens of seconds).
 */

useEmulators();
const execFileAsync = promisify(execFile);

let dir: string;
let downloaderAsset: string;

beforeAll(() => {
  dir = tempDir('fleetpdf-synth-');
  const out = join(dir, 'cdk.out');
  execFileSync('npx', ['cdk', 'synth', '--quiet', '--output', out], { cwd: projectRoot(), stdio: 'pipe', timeout: 280_000 });
  const template = JSON.parse(readFileSync(join(out, 'FleetPdf.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { Description?: string; Code?: { S3Key?: string } } }>;
  };
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === 'fleetpdf Downloader');
  const key = fn?.Properties.Code?.S3Key;
  if (!key) throw new Error('no Downloader function with an asset in the synthesized template');
  downloaderAsset = join(out, `asset.${key.replace(/\.zip$/, '')}`);
  // The Lambda runtime's AWS SDK, one folder above the asset's: @aws-sdk only.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(projectRoot(), 'node_modules', '@aws-sdk'), join(dir, 'node_modules', '@aws-sdk'), 'dir');
}, 300_000);
afterAll(removeSynthDirs);

/**
 * Imports the asset's index.mjs in a fresh Node process (cwd the asset, Lambda's flags, the
 * function's environment) and calls its handler. Asynchronously: the demo portal it fetches from runs in this process.
 */
async function invoke(event: SQSEvent, functionEnv: Record<string, string>): Promise<SQSBatchResponse> {
  const eventFile = join(dir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(event));
  const script = [
    `const { handler } = await import(${JSON.stringify(pathToFileURL(join(downloaderAsset, 'index.mjs')).href)});`,
    `const event = JSON.parse((await import('node:fs')).readFileSync(${JSON.stringify(eventFile)}, 'utf8'));`,
    "const context = { functionName: 'Downloader', awsRequestId: 'r-1', logStreamName: '2026/12/01/[$LATEST]00000000', getRemainingTimeInMillis: () => 60000 };",
    'const response = await handler(event, context);',
    "process.stdout.write('\\nRESPONSE ' + JSON.stringify(response) + '\\n');",
    'process.exit(0);',
  ].join('\n');
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--no-experimental-require-module', '--no-experimental-detect-module', '--enable-source-maps', '--input-type=module', '-e', script],
    { cwd: downloaderAsset, env: { ...process.env, ...functionEnv, HOME: dir }, timeout: 120_000, maxBuffer: 64 * MiB },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('RESPONSE '));
  if (!line) throw new Error(`the Downloader printed no response:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('RESPONSE '.length)) as SQSBatchResponse;
}

function sqsEvent(bodies: { runId: string; ref: string; vin?: string }[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `rh-${i}`,
      body: JSON.stringify(body),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:vehicles',
      awsRequestId: 'r-1',
      awsRegion: 'us-east-1',
    })),
  } as SQSEvent;
}

describe('the synthesized Downloader asset', () => {
  it('holds the verification worker beside its handler bundle, and no @napi-rs/canvas', () => {
    expect(existsSync(join(downloaderAsset, 'index.mjs'))).toBe(true);
    expect(existsSync(join(downloaderAsset, PDF_WORKER_BUNDLE))).toBe(true);
    expect(existsSync(join(downloaderAsset, 'node_modules', '@napi-rs'))).toBe(false);
    // The handler bundle does not carry pdf.js: only the worker does.
    expect(readFileSync(join(downloaderAsset, 'index.mjs'), 'utf8')).not.toContain('WorkerMessageHandler');
  });

  it("stores a demo PDF it verified, and refuses one that is another vehicle's, run as Lambda runs it", async () => {
    const env = await cloudFixture('synth', { vehicles: 3 });
    try {
      const state = await env.handlers.login({});
      const [mine, other] = env.portal.inventory;
      const tracker = env.runtime.aws.tracker;
      await tracker.register(state.runId, [mine!, other!].map((v) => ({ ref: v.ref, vin: v.vin })));
      // `other` is asked for with `mine`'s VIN: the portal's PDF names other's VIN, the verifier must see it.
      const response = await invoke(
        sqsEvent([{ runId: state.runId, ref: mine!.ref, vin: mine!.vin }, { runId: state.runId, ref: other!.ref, vin: mine!.vin }]),
        env.env,
      );
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
      const stored = await getObject(env.resources, `runs/${state.runId}/pdfs/${mine!.ref}.pdf`);
      expect(stored.subarray(0, 5).toString()).toBe('%PDF-');
      expect((await tracker.get(state.runId, mine!.ref))?.status).toBe('DONE');
      const refused = await tracker.get(state.runId, other!.ref);
      expect(refused?.status).not.toBe('DONE');
      expect(refused?.lastError).toBe(`PDF is for ref ${other!.ref} / VIN ${other!.vin}, expected ref ${other!.ref} / VIN ${mine!.vin}`);
    } finally {
      await env.close();
    }
  });

  it("meters decoded bytes in the bundled worker: a 1 GiB bomb is refused at the stream cap", async () => {
    const setup: WorkerSetup = { caps: { maxStreamBytes: 32 * MiB, maxDocumentBytes: 128 * MiB, maxPages: 500 } };
    // Started the way the bundle's verifier starts it: worker-launch.ts as if it were the asset's index.mjs.
    const worker = startWorker({ workerData: setup, stdout: true, stderr: true }, pathToFileURL(join(downloaderAsset, 'index.mjs')).href);
    worker.stdout.resume();
    worker.stderr.resume();
    try {
      const replies: VerifyReply[] = [];
      await new Promise<void>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (message: VerifyReply | { kind: 'ready' }) => {
          if (message.kind === 'ready') worker.postMessage({ id: 1, body: new Uint8Array(inflateBomb(1024 * MiB)), vehicle: { ref: '40213377' } });
          else {
            replies.push(message);
            resolve();
          }
        });
      });
      expect(replies).toEqual([{ id: 1, kind: 'too_large', exceeded: { cap: 'maxStreamBytes', size: 64 * MiB, limit: 32 * MiB } }]);
    } finally {
      await worker.terminate();
    }
  });
});
