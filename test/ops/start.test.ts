import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/core/errors.js';
import { RunInputSchema } from '../../lib/contracts/index.js';
import type { OpsContext } from '../../lib/ops/context.js';
import { readRefsFile } from '../../lib/ops/refs-file.js';
import { buildRunInput, startRun } from '../../lib/ops/start.js';
import { useEmulators } from '../emulators/aws-env.js';
import { opsFixture, type OpsFixture } from './helpers.js';

useEmulators();

describe('start: the execution input, checked with RunInputSchema before anything starts', () => {
  it('always sets a run id (a new one unless given) and keeps refs and limit', () => {
    const fresh = buildRunInput({});
    expect(fresh.runId).toMatch(/^\d{4}-\d{2}-\d{2}-[0-9a-f]{6}$/);
    expect(RunInputSchema.parse(fresh)).toEqual(fresh);
    expect(buildRunInput({ runId: 'r-1', refs: ['A1', 'A2'], limit: 1 })).toEqual({ runId: 'r-1', refs: ['A1', 'A2'], limit: 1 });
  });

  it.each([
    [{ runId: '../x' }, /^--run: letters, digits, "\.", "_" and "-" only, at most 64$/],
    [{ runId: 'x'.repeat(65) }, /^--run: /],
    [{ limit: 0 }, /^--limit: /],
    [{ limit: 1.5 }, /^--limit: /],
    [{ refs: [''] }, /^--refs: /],
  ])('refuses %j in one line', (options, message) => {
    let error: unknown;
    try {
      buildRunInput(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses an input above Step Functions\' 256 KiB, saying what to do', () => {
    const refs = Array.from({ length: 30_000 }, (_, i) => `REF-${String(i).padStart(8, '0')}`);
    expect(() => buildRunInput({ refs })).toThrow(/the execution input would be \d+ KiB and Step Functions takes at most 256 KiB: split the --refs file \(30000 refs\)/);
  });
});

describe('--refs FILE: one ref per line', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleetpdf-refs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads refs, skipping blank lines, comments, a BOM and CRLFs', async () => {
    expect(await readRefsFile(file('ok.txt', '\uFEFF# refs to retry\r\nA1\r\n\r\n  B2  \r\n# done\r\nC3'))).toEqual(['A1', 'B2', 'C3']);
  });

  it('keeps awkward refs as they are, and a JSON-quoted line exactly (surrounding spaces and all)', async () => {
    const text = 'STK-0007/B\n../../etc/passwd\n" STK 0099 "\n"#not-a-comment"\nSTK-0150\u00c4\n';
    expect(await readRefsFile(file('awkward.txt', text))).toEqual(['STK-0007/B', '../../etc/passwd', ' STK 0099 ', '#not-a-comment', 'STK-0150\u00c4']);
  });

  it.each([
    ['long.txt', `A1\n${'x'.repeat(201)}\n`, /line 2: unsafe ref "x+\.\.\.": longer than 200 characters \(201\)/],
    ['control.txt', 'A1\n"a\\u0007b"\n', /line 2: unsafe ref "a\\u0007b": contains a control character/],
    ['quote.txt', 'A1\n"unclosed\n', /line 2: "unclosed is not a JSON string/],
    ['dup.txt', 'A1\nB2\nA1\n', /line 3: ref A1 repeats line 1/],
    ['empty.txt', '# nothing\n\n', /no refs in it \(one reference number per line\)/],
  ])('refuses %s in one line naming the line', async (name, text, message) => {
    const path = file(name, text);
    await expect(readRefsFile(path)).rejects.toThrow(message);
    await expect(readRefsFile(path)).rejects.toBeInstanceOf(InputError);
  });

  it('names a missing file', async () => {
    await expect(readRefsFile(join(dir, 'nope.txt'))).rejects.toThrow(/--refs .*nope\.txt: no such file/);
  });
});

describe('startRun (Step Functions stand-in, real SFN client)', () => {
  let fx: OpsFixture;
  let ctx: OpsContext;
  beforeAll(async () => {
    fx = await opsFixture('ops-start');
    ctx = await fx.open();
  });
  afterAll(async () => {
    ctx?.close();
    await fx?.close();
  });

  it('starts an execution named after the run with the checked input, and links it', async () => {
    const input = buildRunInput({ runId: '2026-11-23-start1', refs: ['A1', 'B2'], limit: 2 });
    const started = await startRun(ctx.clients.sfn, ctx.stateMachineArn, input, new Date('2026-11-23T10:15:00Z'));
    expect(started).toMatchObject({
      runId: '2026-11-23-start1',
      executionName: '2026-11-23-start1_20261123T101500',
      executionArn: expect.stringMatching(/:execution:FleetPdfTest-[0-9a-f]+-RunStateMachine:2026-11-23-start1_20261123T101500$/),
      consoleUrl: expect.stringMatching(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/states\/home\?region=us-east-1#\/v2\/executions\/details\/arn:aws:states:/),
    });
    const call = fx.sfn.calls.find((c) => c.operation === 'StartExecution')!;
    expect(call.input).toMatchObject({ stateMachineArn: fx.stateMachineArn, name: started.executionName });
    expect(JSON.parse(String(call.input.input))).toEqual({ runId: '2026-11-23-start1', refs: ['A1', 'B2'], limit: 2 });
  });

  it('says so when the same run is started twice within a second', async () => {
    const input = buildRunInput({ runId: '2026-11-23-twice' });
    const at = new Date('2026-11-23T11:00:00Z');
    await startRun(ctx.clients.sfn, ctx.stateMachineArn, input, at);
    await expect(startRun(ctx.clients.sfn, ctx.stateMachineArn, input, at)).rejects.toThrow(/run 2026-11-23-twice was started this very second already/);
  });
});
