import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudPullCommand } from '../../lib/cli/commands/cloud/pull.js';
import { cloudReportCommand } from '../../lib/cli/commands/cloud/report.js';
import { cloudStartCommand } from '../../lib/cli/commands/cloud/start.js';
import { cloudStatusCommand } from '../../lib/cli/commands/cloud/status.js';
import { ExitCode } from '../../lib/cli/exit-codes.js';
import { InputError } from '../../lib/core/errors.js';
import { S3Keys } from '../../lib/contracts/index.js';
import { useEmulators } from '../emulators/aws-env.js';
import { runCli, type CliResult } from '../../harness/cli.js';
import { cloudReport, opsFixture, seedRun, type OpsFixture } from '../ops/helpers.js';

useEmulators();

const errorLines = (r: CliResult) => r.stderr.split('\n').filter((l) => l.startsWith('fleetpdf: error:'));
/** Everything on stderr except the one error line: a failure must not come with a stack trace or a wall of text. */
const otherLines = (r: CliResult) => r.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('fleetpdf: error:'));

/**
 * `fleetpdf cloud ...` as an operator runs it: a real process, the real AWS SDK clients, the
 * stack found by name through the CloudFormation stand-in, its state machine in the Step
 * Functions stand-in, and its tables, queues and bucket in the emulators.
 */
describe('fleetpdf cloud (CLI end to end against the stand-ins)', () => {
  let fx: OpsFixture;
  let dir: string;
  let runId: string;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(['cloud', ...args], { ...fx.env, ...env });

  beforeAll(async () => {
    fx = await opsFixture('cli-cloud');
    dir = mkdtempSync(join(tmpdir(), 'fleetpdf-cloud-cli-'));
  });
  afterAll(async () => {
    await fx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('start: checks the refs, starts an execution named after the run, prints its ARN and console link', async () => {
    const refs = join(dir, 'refs.txt');
    writeFileSync(refs, '# retry these\nC0001\nC0002\nC0003\nC0004\n');
    const r = await cli(['start', '--refs', refs, '--limit', '3', '--json']);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    const out = JSON.parse(r.stdout) as { runId: string; executionArn: string; consoleUrl: string };
    runId = out.runId;
    expect(r.stderr).toContain(`started run ${runId} (4 refs, at most 3) on stack ${fx.stackName}`);
    expect(r.stderr).toContain(`execution: ${out.executionArn}`);
    expect(r.stderr).toContain(`console:   https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${out.executionArn}`);
    const [execution] = fx.sfn.executions(fx.stateMachineArn);
    expect(execution?.executionArn).toBe(out.executionArn);
    expect(JSON.parse(execution!.input)).toEqual({ runId, refs: ['C0001', 'C0002', 'C0003', 'C0004'], limit: 3 });
  });

  // The option checks run in process (commander hands the actions strings and booleans): one
  // spawned CLI per case would cost a second of CPU each; main() maps an InputError to exit 2.
  it.each([
    [cloudStartCommand, { limit: '0' }, '--limit must be at least 1'],
    [cloudStartCommand, { run: 'a/b' }, '--run must be a run id: letters, digits, ".", "_" and "-", at most 64'],
    [cloudStartCommand, { refs: '/no/such/refs.txt' }, '--refs /no/such/refs.txt: no such file'],
    [cloudStatusCommand, { interval: '0' }, '--interval must be at least 1'],
    [cloudPullCommand, { parallel: 'many' }, '--parallel must be a number'],
    [cloudStatusCommand, { region: 'mars' }, '--region must be an AWS region such as us-east-1'],
    [cloudStatusCommand, { stack: 'no_underscores' }, '--stack must be a CloudFormation stack name (a letter, then letters, digits or "-") or a stack ARN'],
  ] as const)('bad input %#: an InputError naming the option, nothing started', async (command, raw, message) => {
    const before = fx.sfn.calls.length;
    const error = await command({ ...raw }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(message);
    expect(fx.sfn.calls).toHaveLength(before);
  });

  it('start: a ref that cannot be downloaded in the refs file starts nothing', async () => {
    const refs = join(dir, 'bad-refs.txt');
    writeFileSync(refs, 'C0001\n"bad\\tref"\n');
    const before = fx.sfn.executions().length;
    const r = await cli(['start', '--refs', refs]);
    expect(r.code).toBe(ExitCode.BAD_INPUT);
    expect(errorLines(r)).toEqual([`fleetpdf: error: --refs ${refs} line 2: unsafe ref "bad\\tref": contains a control character`]);
    expect(fx.sfn.executions()).toHaveLength(before);
  });

  it('status: the latest run\'s counts, rate and queue depths', async () => {
    await seedRun(fx, runId, ['C0001', 'C0002', 'C0003'], 2);
    const r = await cli(['status', '--json']);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.stderr).toMatch(new RegExp(`^run ${runId}: execution RUNNING, started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(\\d+s ago\\)$`, 'm'));
    expect(r.stderr).toContain('  2 of 3 finished (66.7%): 2 done, 0 failed, 0 skipped; 1 pending, 0 in progress');
    expect(r.stderr).toContain('  queue (all runs): 0 waiting, 0 in flight; DLQ: 0');
    expect(JSON.parse(r.stdout)).toMatchObject({ runId, total: 3, counts: { DONE: 2, PENDING: 1 } });
  });

  it('status --watch: plain lines off a terminal, until the execution ends', async () => {
    const [execution] = fx.sfn.executions(fx.stateMachineArn);
    const timer = setTimeout(() => fx.sfn.updateExecution(execution!.executionArn, { status: 'SUCCEEDED', stopDate: Date.now() }), 1500);
    const r = await cli(['status', '--run', runId, '--watch', '--interval', '1']);
    clearTimeout(timer);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.stderr).toContain('execution SUCCEEDED');
    expect(r.stderr).toMatch(new RegExp(`run ${runId}: execution SUCCEEDED, started .* run time\\)`));
  });

  it('pull: verified PDFs and report files into --to; again: nothing downloaded', async () => {
    await fx.documents.putText(S3Keys.report(runId), JSON.stringify(cloudReport(runId, fx.resources.bucket)), 'application/json');
    const to = join(dir, 'pulled');
    const first = await cli(['pull', '--to', to]);
    expect(first.code, first.stderr).toBe(ExitCode.OK);
    expect(first.stderr).toContain(`pulled 2 PDFs, 0 already there, 0 errors: ${to}`);
    expect(first.stderr).toContain('2 of 3 vehicles are DONE; no PDF for 1 pending, 0 in progress, 0 failed, 0 skipped');
    expect(readdirSync(to).sort()).toEqual(['C0001.pdf', 'C0002.pdf', 'report.json']);
    const again = await cli(['pull', '--run', runId, '--to', to]);
    expect(again.stderr).toContain(`pulled 0 PDFs, 2 already there, 0 errors: ${to}`);
  });

  it('pull: a damaged S3 object is an error line and exit 1; the good ones are pulled', async () => {
    await fx.resources.clients.s3.send(
      new PutObjectCommand({ Bucket: fx.resources.bucket, Key: S3Keys.pdf(runId, 'C0002.pdf'), Body: Buffer.from('%PDF-1.7 damaged') }),
    );
    const to = join(dir, 'pulled-damaged');
    const r = await cli(['pull', '--to', to]);
    expect(r.code).toBe(ExitCode.VEHICLES_FAILED);
    expect(r.stderr).toContain(`pulled 1 PDFs, 0 already there, 1 errors: ${to}`);
    expect(r.stderr).toMatch(/^error: C0002: runs\/.*\/pdfs\/C0002\.pdf has sha256 [0-9a-f]{12}\.\.\., not the recorded [0-9a-f]{12}\.\.\.: not written/m);
    expect(existsSync(join(to, 'C0002.pdf'))).toBe(false);
  });

  it('report: the summary on stderr, report.json on stdout with --json, saved into --to', async () => {
    const to = join(dir, 'report');
    const r = await cli(['report', '--to', to, '--json']);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.stderr).toContain(`Run ${runId} (dealer-values): completed`);
    expect(r.stderr).toContain(`saved: ${join(to, 'report.json')}`);
    expect(JSON.parse(r.stdout)).toMatchObject({ runId, succeeded: 4, failed: 1 });
    expect(JSON.parse(readFileSync(join(to, 'report.json'), 'utf8'))).toMatchObject({ runId });
  });

  it('report --open without a report.html: exit 2, one line', async () => {
    const r = await cli(['report', '--to', join(dir, 'report2'), '--open']);
    expect(r.code).toBe(ExitCode.BAD_INPUT);
    expect(errorLines(r)).toEqual([`fleetpdf: error: run ${runId} has no report.html (only report.json): nothing to open`]);
  });

  it('redrive: an empty DLQ is exit 2 with one line; a filled one goes back to the queue (--wait)', async () => {
    const empty = await cli(['redrive']);
    expect(empty.code).toBe(ExitCode.BAD_INPUT);
    expect(errorLines(empty)).toEqual([`fleetpdf: error: nothing to redrive: the DLQ ${fx.resources.prefix}-vehicles-dlq is empty`]);

    await fx.resources.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: fx.resources.dlqUrl,
        Entries: ['C0003', 'C0004', 'C0005'].map((ref, i) => ({ Id: String(i), MessageBody: JSON.stringify({ runId, ref }) })),
      }),
    );
    const r = await cli(['redrive', '--wait', '--interval', '1']);
    expect(r.code, r.stderr).toBe(ExitCode.OK);
    expect(r.stderr).toContain(`redrive started: 3 messages from ${fx.resources.prefix}-vehicles-dlq back to the vehicle queue`);
    expect(r.stderr).toContain('redrive completed: 3 of 3 messages moved back to the vehicle queue');
  });

  it.concurrent.each([
    [['status', '--stack', 'NoSuchStack'], 'stack NoSuchStack not found in us-east-1: deploy it (npx cdk deploy), or pass --stack NAME / --region'],
    [['status', '--run', 'never-started'], 'unknown run never-started: no tracking rows and no recent execution (fleetpdf cloud status shows the latest run)'],
  ])('%j: exit 2, one line', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(ExitCode.BAD_INPUT);
    expect(errorLines(r)).toEqual([`fleetpdf: error: ${message}`]);
    expect(otherLines(r)).toEqual([]);
  });

  it.each([
    ['pull', cloudPullCommand],
    ['report', cloudReportCommand],
  ] as const)('an unknown run for %s: the same one line, nothing written', async (_name, command) => {
    const to = join(dir, 'never');
    await expect(command({ run: 'never-started', to })).rejects.toThrow(
      'unknown run never-started: no tracking rows and no recent execution (fleetpdf cloud status shows the latest run)',
    );
    expect(existsSync(to)).toBe(false);
  });

  it('missing AWS credentials: exit 2, one line saying how to get some', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fleetpdf-no-aws-'));
    try {
      const r = await cli(['status'], {
        HOME: home,
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      expect(r.code).toBe(ExitCode.BAD_INPUT);
      expect(errorLines(r)).toEqual([
        'fleetpdf: error: no usable AWS credentials (Could not load credentials from any providers): run "aws configure" or "aws sso login", set AWS_PROFILE or use --profile',
      ]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
