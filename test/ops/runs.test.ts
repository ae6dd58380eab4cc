import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/core/errors.js';
import type { OpsContext } from '../../lib/ops/context.js';
import { consoleUrl, executionName, findRun, latestRun, resolveRun } from '../../lib/ops/runs.js';
import { useEmulators } from '../emulators/aws-env.js';
import { opsFixture, type OpsFixture } from './helpers.js';

useEmulators();

describe('runs through the state machine executions (Step Functions stand-in, real SFN client)', () => {
  let fx: OpsFixture;
  let ctx: OpsContext;
  beforeAll(async () => {
    fx = await opsFixture('ops-runs');
    ctx = await fx.open();
  });
  afterAll(async () => {
    ctx?.close();
    await fx?.close();
  });

  it('names an execution <runId>_<UTC stamp>, at most 80 characters', () => {
    expect(executionName('2026-11-23-a1b2c3', new Date('2026-11-23T10:15:00.123Z'))).toBe('2026-11-23-a1b2c3_20261123T101500');
    expect(executionName('r'.repeat(64))).toHaveLength(80);
  });

  it('links an execution to its console page', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:Run:r1_20261123T101500';
    expect(consoleUrl(arn)).toBe(`https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`);
  });

  it('says there is no run yet when the state machine has no execution', async () => {
    await expect(latestRun(ctx.clients.sfn, ctx.stateMachineArn)).rejects.toThrow(/^no runs yet: start one with "fleetpdf cloud start"/);
  });

  it('finds the latest run from the newest execution: input, output, or Login\'s output in the history', async () => {
    const t = Date.now();
    fx.sfn.addExecution(fx.stateMachineArn, { name: 'old', input: '{"runId":"run-from-input"}', startDate: t - 60_000 });
    expect((await latestRun(ctx.clients.sfn, ctx.stateMachineArn)).runId).toBe('run-from-input');

    // A console start with {}: the run id is in the output once it has finished...
    const finished = fx.sfn.addExecution(fx.stateMachineArn, { name: 'console-1', input: '{}', startDate: t - 30_000, status: 'SUCCEEDED' });
    fx.sfn.updateExecution(finished.executionArn, { output: JSON.stringify({ runId: 'run-from-output' }), stopDate: t - 1000 });
    const latest = await latestRun(ctx.clients.sfn, ctx.stateMachineArn);
    expect(latest).toMatchObject({ runId: 'run-from-output', execution: { name: 'console-1', status: 'SUCCEEDED' } });

    // ...and in Login's output while it runs; before Login is done there is none yet.
    const running = fx.sfn.addExecution(fx.stateMachineArn, { name: 'console-2', input: '{}', startDate: t });
    await expect(latestRun(ctx.clients.sfn, ctx.stateMachineArn)).rejects.toThrow(/newest execution console-2 \(RUNNING\) has no run id yet/);
    fx.sfn.addStateExited(running.executionArn, 'Login', { runId: 'run-from-login', startedAt: t });
    expect((await latestRun(ctx.clients.sfn, ctx.stateMachineArn)).runId).toBe('run-from-login');
  });

  it('finds a given run\'s newest execution by name, or by reading recent unnamed ones; none for an unknown id', async () => {
    fx.sfn.addExecution(fx.stateMachineArn, { name: executionName('run-named', new Date(Date.now() - 5000)), input: '{"runId":"run-named"}', startDate: Date.now() - 5000 });
    expect((await findRun(ctx.clients.sfn, ctx.stateMachineArn, 'run-named')).execution?.name).toMatch(/^run-named_\d{8}T\d{6}$/);
    expect((await findRun(ctx.clients.sfn, ctx.stateMachineArn, 'run-from-login')).execution?.name).toBe('console-2');
    expect(await findRun(ctx.clients.sfn, ctx.stateMachineArn, 'never-started')).toEqual({ runId: 'never-started' });
    expect((await resolveRun(ctx.clients.sfn, ctx.stateMachineArn, 'run-named')).runId).toBe('run-named');
  });

  it('is an InputError (exit 2) when there is nothing to resolve', async () => {
    const empty = fx.sfn.createStateMachine('empty-machine');
    await expect(latestRun(ctx.clients.sfn, empty)).rejects.toBeInstanceOf(InputError);
  });
});
