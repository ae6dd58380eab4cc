import type { CfnResource } from 'aws-cdk-lib';
import { FunctionName } from '../lib/contracts/index.js';
import { removeSynthDirsSince, synthDirsMark, synthStack } from './synth.js';

/** The account and region of the fake ARNs. */
export const FAKE_ACCOUNT = '123456789012';
export const FAKE_REGION = 'us-east-1';

/** The well-formed stand-in ARN of one of the stack's functions. */
export function fakeFunctionArn(name: FunctionName): string {
  return `arn:aws:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:${name}`;
}

export interface SynthesizedStateMachine {
  /** The parsed ASL of the stack's state machine, every token resolved. */
  definition: Record<string, unknown>;
  /** The ARN each function has in `definition` (Task `Resource`s), by contract name. */
  functionArns: Record<FunctionName, string>;
  /** The downloader event source's `ScalingConfig.MaximumConcurrency` in the same template. */
  downloaderConcurrency: number;
}

interface Synthesis {
  definitionText: string;
  functionArns: Record<FunctionName, string>;
  downloaderConcurrency: number;
}

/** One synth per context within a test file (a synth costs 0.1-2 s). */
const cache = new Map<string, Synthesis>();

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': FAKE_REGION,
  'AWS::AccountId': FAKE_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'FleetPdf',
};

/**
 * Synthesizes the real stack (bundling skipped) and returns its state machine definition as
 * JSON: the `DefinitionString`'s `Fn::Join` with each function's `Fn::GetAtt [<id>, Arn]`
 * replaced by `arn:aws:lambda:us-east-1:123456789012:function:<FunctionName>` (so an offline
 * runner such as aws-local-stepfunctions can bind the ARNs to the real handlers), pseudo
 * parameters by fixed values and any other token by a placeholder string.
 */
export function synthesizedStateMachine(context: Record<string, unknown> = {}): SynthesizedStateMachine {
  const synthesis = synthesize(context);
  return {
    definition: JSON.parse(synthesis.definitionText) as Record<string, unknown>,
    functionArns: { ...synthesis.functionArns },
    downloaderConcurrency: synthesis.downloaderConcurrency,
  };
}

/**
 * The most downloader invocations at once in the synthesized stack (the SQS event source's
 * `ScalingConfig.MaximumConcurrency`, context `downloaderConcurrency`), for an offline poller
 * that stands in for the event source mapping.
 */
export function synthesizedDownloaderConcurrency(context: Record<string, unknown> = {}): number {
  return synthesize(context).downloaderConcurrency;
}

function synthesize(context: Record<string, unknown>): Synthesis {
  const key = JSON.stringify(context);
  let synthesis = cache.get(key);
  if (!synthesis) {
    synthesis = synthesizeUncached(context);
    cache.set(key, synthesis);
  }
  return synthesis;
}

function synthesizeUncached(context: Record<string, unknown>): Synthesis {
  const mark = synthDirsMark();
  try {
    const { stack, json, logicalId } = synthStack(context);
    const functionArns = {} as Record<FunctionName, string>;
    const nameByLogicalId = new Map<string, FunctionName>();
    for (const name of Object.values(FunctionName)) {
      const cfnFunction = stack.functions[name].function.node.defaultChild as CfnResource;
      nameByLogicalId.set(logicalId(cfnFunction), name);
      functionArns[name] = fakeFunctionArn(name);
    }

    const machines = Object.values(json.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    if (machines.length !== 1) throw new Error(`expected one state machine in the template, found ${machines.length}`);
    const definitionString = machines[0]?.Properties?.DefinitionString as unknown;
    const text = resolveToString(definitionString, (token) => {
      const getAtt = (token as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      if (getAtt && getAtt[1] === 'Arn') {
        const name = nameByLogicalId.get(getAtt[0]);
        if (name) return functionArns[name];
      }
      const ref = (token as { Ref?: string }).Ref;
      if (ref && PSEUDO_PARAMETERS[ref]) return PSEUDO_PARAMETERS[ref];
      return `unresolved-token-${JSON.stringify(token).replace(/[^A-Za-z0-9:._-]/g, '')}`;
    });
    const mappings = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    const downloaderConcurrency = mappings[0]?.Properties?.ScalingConfig?.MaximumConcurrency as unknown;
    if (mappings.length !== 1 || typeof downloaderConcurrency !== 'number') {
      throw new Error('expected one event source mapping with ScalingConfig.MaximumConcurrency in the template');
    }
    JSON.parse(text); // fail here, with the synth, if the definition is not JSON
    return { definitionText: text, functionArns, downloaderConcurrency };
  } finally {
    removeSynthDirsSince(mark);
  }
}

function resolveToString(value: unknown, token: (value: object) => string): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
  if (join) return join[1].map((part) => resolveToString(part, token)).join(join[0]);
  if (value && typeof value === 'object') return token(value);
  throw new Error(`cannot resolve ${JSON.stringify(value)} in the state machine definition`);
}
