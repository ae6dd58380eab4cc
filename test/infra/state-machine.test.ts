import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionName } from '../../lib/contracts/index.js';
import { fakeFunctionArn, synthesizedDownloaderConcurrency, synthesizedStateMachine } from '../../harness/state-machine.js';
import { type Synthesized, removeSynthDirs, synthStack } from '../../harness/synth.js';

type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: unknown;
  Retry?: { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  Choices?: unknown[];
  Default?: string;
  Seconds?: number;
  ErrorPath?: string;
  CausePath?: string;
  [key: string]: unknown;
}

let s: Synthesized;
let machine: Record<string, any>;
let definition: { StartAt: string; States: Record<string, State>; TimeoutSeconds?: number; QueryLanguage?: string };
let functionArns: Record<FunctionName, string>;

beforeAll(() => {
  s = synthStack();
  machine = s.json.Resources[s.idOf(s.stack.runStateMachine.stateMachine)]!.Properties!;
  const synthesized = synthesizedStateMachine();
  definition = synthesized.definition as typeof definition;
  functionArns = synthesized.functionArns;
});
afterAll(removeSynthDirs);

const state = (name: string): State => {
  const found = definition.States[name];
  if (!found) throw new Error(`no state ${name}`);
  return found;
};

describe('RunStateMachine', () => {
  it('is the one Standard state machine of the stack', () => {
    s.template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expect(machine.StateMachineType).toBe('STANDARD');
  });

  it('has exactly the run states, the pause states and Failed', () => {
    expect(definition.StartAt).toBe('Login');
    expect(Object.keys(definition.States).sort()).toEqual(
      ['Login', 'Enqueue', 'Wait', 'Progress', 'Finished?', 'Cooldown', 'Resume', 'Resumed?', 'Report', 'Gave up?', 'Done', 'Paused', 'Failed'].sort(),
    );
  });

  it('chains Login -> Enqueue -> Wait -> Progress -> Finished?', () => {
    expect(state('Login').Next).toBe('Enqueue');
    expect(state('Enqueue').Next).toBe('Wait');
    expect(state('Wait').Next).toBe('Progress');
    expect(state('Progress').Next).toBe('Finished?');
  });

  it('waits 30 seconds between progress polls', () => {
    expect(state('Wait')).toEqual({ Type: 'Wait', Seconds: 30, Next: 'Progress' });
  });

  it('cools down when the breaker paused the run, goes to Report when progress is done or stalled, back to Wait otherwise', () => {
    expect(state('Finished?')).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.progress.paused', IsPresent: true, Next: 'Cooldown' },
        {
          Or: [
            { Variable: '$.progress.done', BooleanEquals: true },
            { Variable: '$.progress.stalled', BooleanEquals: true },
          ],
          Next: 'Report',
        },
      ],
      Default: 'Wait',
    });
  });

  it('ends with Report -> Done (Succeed), or Paused (Fail with the pause cause) when the run gave up', () => {
    expect(state('Report').Next).toBe('Gave up?');
    expect(state('Gave up?')).toEqual({
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.pause.gaveUp', IsPresent: true },
            { Variable: '$.pause.gaveUp', BooleanEquals: true },
          ],
          Next: 'Paused',
        },
      ],
      Default: 'Done',
    });
    expect(state('Done')).toEqual({ Type: 'Succeed' });
    expect(state('Paused')).toEqual({ Type: 'Fail', Error: 'Paused', CausePath: '$.pause.cause' });
  });

  it('waits 60 s, then probes with the Login function: resumed -> Wait, gave up -> Report, otherwise Cooldown again', () => {
    expect(state('Cooldown')).toMatchObject({ Type: 'Wait', Seconds: 60, Next: 'Resume' });
    expect(state('Resume')).toMatchObject({ Type: 'Task', Resource: fakeFunctionArn('Login'), Next: 'Resumed?' });
    const choices = (state('Resumed?').Choices ?? []) as { And: { Variable: string }[]; Next: string }[];
    expect(choices.map((c) => [c.And[0]?.Variable, c.Next])).toEqual([
      ['$.pause.resumed', 'Wait'],
      ['$.pause.gaveUp', 'Report'],
    ]);
    expect(state('Resumed?').Default).toBe('Cooldown');
  });

  it.each(['Login', 'Enqueue', 'Progress', 'Report'] as const)(
    '%s invokes its function with the whole state (payloadResponseOnly: Resource is the function ARN)',
    (name) => {
      expect(state(name).Type).toBe('Task');
      expect(state(name).Resource).toBe(fakeFunctionArn(name));
      expect(state(name).Parameters).toBeUndefined();
      expect(state(name)).not.toHaveProperty('ResultPath');
      expect(state(name)).not.toHaveProperty('OutputPath');
    },
  );

  it.each(['Login', 'Enqueue', 'Progress', 'Report'] as const)(
    '%s retries Lambda service errors and TransientError 3 times from 5 s with backoff 2',
    (name) => {
      expect(state(name).Retry).toEqual([
        {
          ErrorEquals: [
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
            'Lambda.TooManyRequestsException',
            'TransientError',
          ],
          IntervalSeconds: 5,
          MaxAttempts: 3,
          BackoffRate: 2,
        },
      ]);
    },
  );

  it.each(['Login', 'Enqueue'] as const)('%s catches every error into Failed', (name) => {
    expect(state(name).Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'Failed' }]);
  });

  it('fails with the caught error and cause', () => {
    expect(state('Failed')).toEqual({ Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' });
  });

  it('times out a run after 24 hours', () => {
    expect(definition.TimeoutSeconds).toBe(24 * 3600);
  });

  it('uses plain JSONPath ASL: no JSONata, no variables, no Map or Parallel', () => {
    expect(definition.QueryLanguage).toBeUndefined();
    for (const [name, st] of Object.entries(definition.States)) {
      expect(st, name).not.toHaveProperty('Assign');
      expect(st, name).not.toHaveProperty('Arguments');
      expect(st, name).not.toHaveProperty('Output');
      expect(['Map', 'Parallel'], name).not.toContain(st.Type);
    }
  });

  it('logs every execution event to its log group, without execution data', () => {
    expect(machine.LoggingConfiguration).toEqual({
      Destinations: [
        {
          CloudWatchLogsLogGroup: {
            LogGroupArn: { 'Fn::GetAtt': [s.idOf(s.stack.runStateMachine.logGroup), 'Arn'] },
          },
        },
      ],
      IncludeExecutionData: false,
      Level: 'ALL',
    });
  });

  it('has X-Ray tracing on', () => {
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
  });
});

describe('synthesizedStateMachine()', () => {
  it('gives each function a well-formed fake ARN', () => {
    for (const name of Object.values(FunctionName)) {
      expect(functionArns[name]).toBe(`arn:aws:lambda:us-east-1:123456789012:function:${name}`);
    }
  });

  it('binds every Task to one of the function ARNs', () => {
    const arns = new Set(Object.values(functionArns));
    const tasks = Object.values(definition.States).filter((st) => st.Type === 'Task');
    expect(tasks).toHaveLength(5);
    for (const task of tasks) expect(arns.has(task.Resource ?? '')).toBe(true);
  });

  it('leaves no unresolved token in the definition', () => {
    expect(JSON.stringify(definition)).not.toContain('unresolved-token');
  });

  it('returns a definition asl-validator accepts', () => {
    const result = aslValidator(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('reports the downloader concurrency of the same template (default 10, or the context value)', () => {
    expect(synthesizedStateMachine().downloaderConcurrency).toBe(10);
    expect(synthesizedDownloaderConcurrency()).toBe(10);
    expect(synthesizedDownloaderConcurrency({ downloaderConcurrency: 4 })).toBe(4);
  });

  it('hands out a fresh definition each call (callers may change theirs)', () => {
    const first = synthesizedStateMachine();
    (first.definition as { StartAt: string }).StartAt = 'Changed';
    expect(synthesizedStateMachine().definition.StartAt).toBe('Login');
  });

  it('follows the context it is given', () => {
    const { definition: other } = synthesizedStateMachine({ stackName: 'Other', downloaderConcurrency: 3 });
    expect(Object.keys(other.States as object)).toEqual(Object.keys(definition.States));
  });
});
