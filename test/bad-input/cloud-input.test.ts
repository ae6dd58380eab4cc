import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVehicleMessage } from '../../lib/adapters/aws/sqs-vehicle-queue.js';
import { InputError } from '../../lib/core/errors.js';
import { useEmulators } from '../emulators/aws-env.js';
import { cloudFixture, listKeys } from '../../harness/cloud.js';
import { lambdaContext } from '../../harness/sqs-event-source.js';

useEmulators();

const RUN_ID = '2026-11-23-bad001';

function record(id: string, body: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
    awsRegion: 'us-east-1',
  };
}

describe('malformed SQS message bodies and state machine input of the wrong shape', () => {
  let env: Awaited<ReturnType<typeof cloudFixture>>;
  beforeAll(async () => {
    env = await cloudFixture('bad-input', { vehicles: 3 }, { visibilityTimeoutSecs: 1 });
  });
  afterAll(async () => env?.close());

  const bodies: [string, string, RegExp][] = [
    ['not JSON', 'ref=VAL-1', /vehicle message is not JSON: "ref=VAL-1"/],
    ['JSON but not an object', '"VAL-1"', /vehicle message is invalid/],
    ['no ref', JSON.stringify({ runId: RUN_ID }), /vehicle message is invalid: ref: /],
    ['no runId', JSON.stringify({ ref: 'VAL-1' }), /vehicle message is invalid: runId: /],
    ['ref with a control character', JSON.stringify({ runId: RUN_ID, ref: 'a\nb' }), /vehicle message is invalid: ref: unsafe ref "a\\nb": contains a control character/],
    ['file "../x.pdf"', JSON.stringify({ runId: RUN_ID, ref: '../x', file: '../x.pdf' }), /vehicle message is invalid: file: "..\/x.pdf" is not a file name fleetpdf makes/],
    ['file with a slash', JSON.stringify({ runId: RUN_ID, ref: 'a/b', file: 'a/b.pdf' }), /file: "a\/b.pdf"/],
    ['runId "../x"', JSON.stringify({ runId: '../x', ref: 'VAL-1' }), /vehicle message is invalid: runId: /],
    ['a VIN that is too long', JSON.stringify({ runId: RUN_ID, ref: 'VAL-1', vin: 'X'.repeat(40) }), /vin/],
  ];

  it.each(bodies)('parseVehicleMessage: %s -> one-line InputError', (_what, body, message) => {
    let error: unknown;
    try {
      parseVehicleMessage(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('downloader: every malformed record is a batch item failure; nothing stored, nothing tracked, the portal not asked', async () => {
    const event: SQSEvent = { Records: bodies.map(([, body], i) => record(`m${i}`, body)) };
    const served = env.portal.stats().pdfRequests;
    const response = await env.handlers.downloader(event, lambdaContext('Downloader'));
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(bodies.map((_, i) => `m${i}`).sort());
    expect(env.portal.stats().pdfRequests).toBe(served);
    expect(await listKeys(env.resources, '')).toEqual([]);
    const tracker = env.runtime.aws.tracker;
    expect(await tracker.get(RUN_ID, '../x')).toBeUndefined();
    expect(await tracker.get(RUN_ID, 'a/b')).toBeUndefined();
  });

  it('downloader: a good record next to bad ones is stored under runs/<runId>/pdfs/ only', async () => {
    const ref = env.portal.inventory[0]!.ref;
    const event: SQSEvent = {
      Records: [
        record('good', JSON.stringify({ runId: RUN_ID, ref })),
        record('bad', JSON.stringify({ runId: RUN_ID, ref: '../../escape', file: '../../escape.pdf' })),
      ],
    };
    const response = await env.handlers.downloader(event, lambdaContext('Downloader'));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(await listKeys(env.resources, '')).toEqual([`runs/${RUN_ID}/pdfs/${ref}.pdf`]);
  });

  it.each([
    ['{refs: "x"}', { refs: 'x' }, /bad state machine input at refs: /],
    ['{refs: [""]}', { refs: [''] }, /bad state machine input at refs\.0: /],
    ['{limit: -1}', { limit: -1 }, /bad state machine input at limit: /],
    ['{limit: 1.5}', { limit: 1.5 }, /bad state machine input at limit: /],
    ['{limit: "10"}', { limit: '10' }, /bad state machine input at limit: /],
    ['{unknown: 1}', { unknown: 1 }, /bad state machine input at input: .*unknown/i],
    ['{runId: "../x"}', { runId: '../x' }, /bad state machine input at runId: runId: letters, digits/],
    ['{runId: 7}', { runId: 7 }, /bad state machine input at runId: /],
    ['a string', 'start', /bad state machine input at input: /],
    ['{Comment: 7}', { Comment: 7 }, /bad state machine input at Comment: /],
    ['an array', [1, 2], /bad state machine input at input: /],
  ])('login: %s -> one-line InputError, no login made', async (_what, input, message) => {
    const logins = env.portal.stats().logins;
    let error: unknown;
    try {
      await env.handlers.login(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect(env.portal.stats().logins).toBe(logins);
  });
});
