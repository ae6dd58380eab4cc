import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/core/errors.js';
import type { OpsContext } from '../../lib/ops/context.js';
import { formatMoveTask, readMoveTask, redriveTarget, startRedrive, waitForMoveTask, type MoveTaskState } from '../../lib/ops/redrive.js';
import { useEmulators } from '../emulators/aws-env.js';
import { opsFixture, type OpsFixture } from './helpers.js';

useEmulators();

describe('DLQ redrive with StartMessageMoveTask (local-aws-sqs)', () => {
  let fx: OpsFixture;
  let ctx: OpsContext;
  beforeAll(async () => {
    fx = await opsFixture('ops-redrive');
    ctx = await fx.open();
  });
  afterAll(async () => {
    ctx?.close();
    await fx?.close();
  });

  it('refuses an empty DLQ in one line: nothing to redrive', async () => {
    const target = await redriveTarget(ctx);
    const error = await startRedrive(ctx, target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`nothing to redrive: the DLQ ${fx.resources.prefix}-vehicles-dlq is empty`);
    expect(await readMoveTask(ctx.clients.sqs, target.dlqArn)).toBeUndefined();
  });

  it('moves a filled DLQ back to the vehicle queue and reports the task to its end', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => JSON.stringify({ runId: '2026-11-23-dlq', ref: `D${i}` }));
    for (let i = 0; i < bodies.length; i += 10) {
      await fx.resources.clients.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: fx.resources.dlqUrl, Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody })) }),
      );
    }
    const target = await redriveTarget(ctx);
    expect(target.queueArn).toBe(fx.resources.queueArn);
    expect(await startRedrive(ctx, target)).toBe(12);

    // SQS runs one move task per queue: a second start is refused with what to do instead.
    await expect(startRedrive(ctx, target)).rejects.toThrow(/already running .*"fleetpdf cloud redrive --wait" follows it/);

    const states: MoveTaskState[] = [];
    const final = await waitForMoveTask({ sqs: ctx.clients.sqs, dlqArn: target.dlqArn, intervalMs: 200, onState: (s) => states.push(s) });
    expect(final).toMatchObject({ status: 'COMPLETED', moved: 12, toMove: 12 });
    expect(states[0]?.status).toBe('RUNNING');
    expect(formatMoveTask(final!)).toBe('redrive completed: 12 of 12 messages moved back to the vehicle queue');

    expect((await ctx.queue.dlqDepth()).visible).toBe(0);
    const received = new Set<string>();
    for (let i = 0; i < 5 && received.size < 12; i += 1) {
      const out = await fx.resources.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: fx.resources.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      for (const m of out.Messages ?? []) received.add(m.Body!);
    }
    expect([...received].sort()).toEqual([...bodies].sort());
  });
});
