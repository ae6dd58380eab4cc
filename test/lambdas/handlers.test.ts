import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, StartMessageMoveTaskCommand, type Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/core/errors.js';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import { S3Keys, type RunState } from '../../lib/contracts/index.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudFixture, getObject, listKeys } from '../../harness/cloud.js';
import { lambdaContext } from '../../harness/sqs-event-source.js';

const verifier = new PdfVerifier();
afterAll(() => verifier.close());

useEmulators();

/**
 * Receive up to `max` messages within `withinMs` (the emulator hands out at most 10 per call,
 * and a message received earlier comes back only after its 1 s visibility timeout).
 */
async function receiveAll(
  env: Awaited<ReturnType<typeof cloudFixture>>,
  queueUrl: string,
  max = 100,
  withinMs = 2500,
): Promise<Message[]> {
  const out: Message[] = [];
  const deadline = Date.now() + withinMs;
  while (out.length < max && Date.now() < deadline) {
    const page = await env.resources.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - out.length),
        WaitTimeSeconds: 0,
        AttributeNames: ['All'],
        VisibilityTimeout: 1,
      }),
    );
    if (page.Messages?.length) out.push(...page.Messages);
    else await new Promise((r) => setTimeout(r, 100));
  }
  return out;
}

function sqsEvent(env: Awaited<ReturnType<typeof cloudFixture>>, messages: Message[]): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: env.resources.queueArn,
      awsRegion: 'us-east-1',
    })),
  };
}

describe('Lambda handlers against the emulators and the demo portal (real Chromium)', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  let state: RunState;
  beforeAll(async () => {
    env = await cloudFixture('handlers', { vehicles: 12 }, { visibilityTimeoutSecs: 1 });
  });
  afterAll(async () => env?.close());

  it('login: refuses input of the wrong shape with one line', async () => {
    await expect(env.handlers.login({ refs: 'not-a-list' })).rejects.toBeInstanceOf(InputError);
    await expect(env.handlers.login({ runId: '../etc' })).rejects.toThrow(/runId/);
  });

  it('login: logs in once and writes the session cookies with a new version', async () => {
    state = await env.handlers.login({});
    expect(state.runId).toMatch(/^\d{4}-\d{2}-\d{2}-[0-9a-f]{6}$/);
    const stored = await env.runtime.aws.sessionStore.get();
    expect(stored?.version).toBe(state.login?.sessionVersion);
    expect(stored?.cookies.map((c) => c.name)).toContain('dv_session');
    expect(env.portal.stats().logins).toBe(1);
  });

  it('enqueue: tracks the whole inventory and queues exactly the refs not DONE', async () => {
    const tracker = env.runtime.aws.tracker;
    const already = env.portal.inventory.slice(0, 3);
    await tracker.register(state.runId, already);
    for (const v of already) {
      await tracker.markDone(state.runId, v.ref, { bytes: 1, sha256: 'x', storageKey: 'k', attempts: 1 });
    }
    state = await env.handlers.enqueue(state);
    expect(state.enqueue).toMatchObject({ total: 12, enqueued: 9, alreadyDone: 3, skipped: 0 });
    const messages = await receiveAll(env, env.resources.queueUrl, 9);
    const refs = messages.map((m) => JSON.parse(m.Body!).ref).sort();
    expect(refs).toEqual(env.portal.inventory.slice(3).map((v) => v.ref).sort());
  });

  it('downloader: stores verified PDFs, marks DONE, and skips a redelivered message', async () => {
    const messages = await receiveAll(env, env.resources.queueUrl, 4);
    expect(messages).toHaveLength(4);
    const response = await env.handlers.downloader(sqsEvent(env, messages), lambdaContext('Downloader'));
    expect(response.batchItemFailures).toEqual([]);
    for (const m of messages) {
      const { ref } = JSON.parse(m.Body!);
      const vehicle = env.portal.inventory.find((v) => v.ref === ref)!;
      const pdf = await getObject(env.resources, `runs/${state.runId}/pdfs/${ref}.pdf`);
      expect((await verifier.verify(pdf, vehicle)).matched).toContain('ref');
      expect((await env.runtime.aws.tracker.get(state.runId, ref))?.status).toBe('DONE');
    }
    const served = env.portal.stats().pdfRequests;
    const again = await env.handlers.downloader(sqsEvent(env, messages), lambdaContext('Downloader'));
    expect(again.batchItemFailures).toEqual([]);
    expect(env.portal.stats().pdfRequests).toBe(served);
    expect((await listKeys(env.resources, `runs/${state.runId}/pdfs/`)).length).toBe(4);
    // As the event source mapping does after a successful batch.
    await env.resources.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: env.resources.queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  });

  it('downloader: reports a failing vehicle as a batch item failure and records why', async () => {
    env.portal.setFaults('5xx=1');
    try {
      const [message] = await receiveAll(env, env.resources.queueUrl, 1);
      const response = await env.handlers.downloader(sqsEvent(env, [message!]), lambdaContext('Downloader'));
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: message!.MessageId }]);
      const row = await env.runtime.aws.tracker.get(state.runId, JSON.parse(message!.Body!).ref);
      expect(row?.status).not.toBe('DONE');
      expect(row?.lastError).toMatch(/HTTP 5\d\d/);
    } finally {
      env.portal.setFaults('');
    }
  });

  it('report: writes report.html (text/html) beside report.json, with its numbers', async () => {
    const out = await env.handlers.report(state);
    const stored = JSON.parse((await getObject(env.resources, out.report!.reportKey)).toString('utf8'));
    const html = await env.resources.clients.s3.send(
      new GetObjectCommand({ Bucket: env.resources.bucket, Key: S3Keys.reportHtml(state.runId) }),
    );
    expect(html.ContentType).toMatch(/^text\/html/);
    const page = await html.Body!.transformToString();
    expect(page).toContain(`data-metric="succeeded">${stored.succeeded}<`);
    expect(page).toContain(`data-metric="in_dlq">${stored.in_dlq}<`);
  });
});

describe('a message that keeps failing', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  beforeAll(async () => {
    env = await cloudFixture('dlq', { vehicles: 3 }, { visibilityTimeoutSecs: 1, maxReceiveCount: 3 });
  });
  afterAll(async () => env?.close());

  it('lands in the DLQ after 3 receives, FAILED with its reason, and comes back with StartMessageMoveTask', async () => {
    const state = await env.handlers.login({ runId: 'dlq-run' });
    await env.handlers.enqueue({ ...state, refs: [env.portal.inventory[0]!.ref] });
    env.portal.setFaults('5xx=1');
    const deadline = Date.now() + 90_000;
    let dlq: Message[] = [];
    while (Date.now() < deadline && dlq.length === 0) {
      const msgs = await receiveAll(env, env.resources.queueUrl, 1);
      if (msgs.length) {
        // As the event source mapping does: a message the handler did not report failed is deleted.
        const response = await env.handlers.downloader(sqsEvent(env, msgs), lambdaContext('Downloader'));
        if (response.batchItemFailures.length === 0) {
          await env.resources.clients.sqs.send(
            new DeleteMessageBatchCommand({ QueueUrl: env.resources.queueUrl, Entries: [{ Id: '0', ReceiptHandle: msgs[0]!.ReceiptHandle! }] }),
          );
        }
      }
      dlq = await receiveAll(env, env.resources.dlqUrl, 1);
    }
    expect(dlq).toHaveLength(1);
    const ref = env.portal.inventory[0]!.ref;
    const failed = await env.runtime.aws.tracker.get('dlq-run', ref);
    expect(failed?.status).toBe('FAILED');
    expect(failed?.errorReason).toMatch(/http_5\d\d/);

    env.portal.setFaults('');
    await new Promise((r) => setTimeout(r, 1200)); // the DLQ receive above holds it for 1 s
    await env.resources.clients.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: env.resources.dlqArn }));
    let back: Message[] = [];
    for (let i = 0; i < 50 && back.length === 0; i += 1) {
      back = await receiveAll(env, env.resources.queueUrl, 1);
      if (!back.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(back).toHaveLength(1);
    const response = await env.handlers.downloader(sqsEvent(env, back), lambdaContext('Downloader'));
    expect(response.batchItemFailures).toEqual([]);
    expect((await env.runtime.aws.tracker.get('dlq-run', ref))?.status).toBe('DONE');
  }, 150_000);
});
