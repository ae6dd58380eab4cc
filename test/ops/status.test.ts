import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRunCounters } from '../../lib/adapters/aws/index.js';
import type { OpsContext } from '../../lib/ops/context.js';
import { findRun } from '../../lib/ops/runs.js';
import { assertKnownRun, formatRunStatus, isSettled, readRunStatus, watchRunStatus } from '../../lib/ops/status.js';
import { useEmulators } from '../emulators/aws-env.js';
import { opsFixture, seedRun, type OpsFixture } from './helpers.js';

useEmulators();

const RUN = '2026-11-23-stat01';

describe('run status: counts from the byStatus index, queue and DLQ depth, rate and ETA', () => {
  let fx: OpsFixture;
  let ctx: OpsContext;
  beforeAll(async () => {
    fx = await opsFixture('ops-status');
    ctx = await fx.open();
    // 10 refs: 4 DONE, 2 FAILED, 1 IN_PROGRESS, 1 SKIPPED, 2 PENDING.
    const refs = Array.from({ length: 9 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);
    await seedRun(fx, RUN, refs, 4);
    await fx.tracker.markFailed(RUN, 'S005', { error: 'HTTP 404', reason: 'not_found', attempts: 1 });
    await fx.tracker.markFailed(RUN, 'S006', { error: 'HTTP 500', reason: 'transient', attempts: 3 });
    await fx.tracker.markInProgress(RUN, 'S007', 'worker-1');
    await fx.tracker.registerSkipped(RUN, [{ ref: 'bad ref', reason: 'unsafe ref' }]);
    await new DynamoRunCounters({ client: fx.resources.clients.dynamodb, tableName: fx.resources.sessionTable }).add(RUN, { retries: 7 });
    const send = (url: string, n: number) =>
      fx.resources.clients.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: n }, (_, i) => ({ Id: String(i), MessageBody: JSON.stringify({ runId: RUN, ref: `S00${i}` }) })) }),
      );
    await Promise.all([send(fx.resources.queueUrl, 3), send(fx.resources.dlqUrl, 2)]);
  });
  afterAll(async () => {
    ctx?.close();
    await fx?.close();
  });

  it('counts every status, reads both queues and the retries counter', async () => {
    const status = await readRunStatus(ctx, { runId: RUN });
    expect(status.counts).toEqual({ PENDING: 2, IN_PROGRESS: 1, DONE: 4, FAILED: 2, SKIPPED: 1 });
    expect(status).toMatchObject({ total: 10, finished: 7, retries: 7, queue: { visible: 3 }, dlq: { visible: 2 } });
    // Without an execution there is no start time: no rate, no ETA.
    expect(status.perHour).toBeUndefined();
    expect(formatRunStatus(status)).toEqual([
      `run ${RUN}: no recent execution found`,
      '  7 of 10 finished (70.0%): 4 done, 2 failed, 1 skipped; 2 pending, 1 in progress',
      '  rate unknown; 7 retries',
      '  queue (all runs): 3 waiting, 0 in flight; DLQ: 2 (after fixing the cause: fleetpdf cloud redrive)',
    ]);
  });

  it('derives the rate and ETA from the execution\'s start', async () => {
    const started = new Date('2026-11-23T10:00:00Z');
    const execution = fx.sfn.addExecution(fx.stateMachineArn, { name: `${RUN}_20261123T100000`, input: JSON.stringify({ runId: RUN }), startDate: started.getTime() });
    const run = await findRun(ctx.clients.sfn, ctx.stateMachineArn, RUN);
    expect(run.execution?.executionArn).toBe(execution.executionArn);
    const status = await readRunStatus(ctx, run, new Date(started.getTime() + 30 * 60_000));
    // 6 finished (DONE + FAILED) in 30 minutes: 12/h; 3 left (PENDING + IN_PROGRESS): 15 minutes.
    expect(status.perHour).toBeCloseTo(12, 5);
    expect(status.etaSeconds).toBeCloseTo(900, 5);
    expect(formatRunStatus(status).slice(0, 1)).toEqual([`run ${RUN}: execution RUNNING, started 2026-11-23 10:00:00 UTC (30m00s ago)`]);
    expect(formatRunStatus(status)[2]).toBe('  12/h since the execution started, ETA 15m00s; 7 retries');
    expect(isSettled(status)).toBe(false);
  });

  it('watches until the execution ends', async () => {
    const run = await findRun(ctx.clients.sfn, ctx.stateMachineArn, RUN);
    const seen: string[] = [];
    const last = await watchRunStatus({
      ctx,
      run,
      intervalMs: 50,
      onStatus: (s) => {
        seen.push(s.execution!.status);
        if (seen.length === 2) fx.sfn.updateExecution(run.execution!.executionArn, { status: 'SUCCEEDED', stopDate: Date.now() });
      },
    });
    expect(seen).toEqual(['RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(last.execution?.status).toBe('SUCCEEDED');
    expect(last.etaSeconds).toBeUndefined();
  });

  it('knows an unknown run: no tracking rows and no execution', async () => {
    const status = await readRunStatus(ctx, { runId: 'nobody' });
    expect(() => assertKnownRun(status)).toThrow('unknown run nobody: no tracking rows and no recent execution');
  });
});
