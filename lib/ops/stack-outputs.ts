import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeStacksCommand, type CloudFormationClient, type Stack } from '@aws-sdk/client-cloudformation';
import { InputError } from '../core/errors.js';
import { awsErrorName } from '../adapters/aws/aws-errors.js';
import { STACK_NAME_ENV, type StackOutput } from '../contracts/index.js';
import { defaultOf } from '../settings/index.js';

/** A deployed stack's outputs; `get` names the missing output and the stack in one line. */
export class StackOutputs {
  constructor(
    readonly stackName: string,
    readonly status: string,
    private readonly values: ReadonlyMap<string, string>,
  ) {}

  get(name: StackOutput): string {
    const value = this.values.get(name);
    if (value) return value;
    throw new InputError(
      `stack ${this.stackName} (${this.status}) has no output ${name}: is it a fleetpdf stack, fully deployed? (npx cdk deploy)`,
    );
  }

  has(name: StackOutput): boolean {
    return Boolean(this.values.get(name));
  }
}

/**
 * The stack to read: `--stack`, else $FLEETPDF_STACK, else `stackName` of the CDK context in
 * ./cdk.json (what `npx cdk deploy` here would deploy), else the stack name bin/app.ts uses
 * by default ('FleetPdf').
 */
export function defaultStackName(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[STACK_NAME_ENV]?.trim();
  if (fromEnv) return fromEnv;
  try {
    const cdk = JSON.parse(readFileSync(join(cwd, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
    const name = cdk.context?.stackName;
    if (typeof name === 'string' && name.trim()) return name.trim();
  } catch {
    // No (readable) cdk.json here: the built-in default.
  }
  return defaultOf('stackName', 'cloud') as string;
}

/** DescribeStacks by name: the outputs, or one line saying the stack is not there. */
export async function readStackOutputs(cloudformation: CloudFormationClient, stackName: string): Promise<StackOutputs> {
  let stack: Stack | undefined;
  try {
    const out = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = out.Stacks?.[0];
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError' && /does not exist/i.test(error instanceof Error ? error.message : '')) {
      stack = undefined;
    } else {
      throw error;
    }
  }
  if (!stack) {
    const region = await cloudformation.config.region().catch(() => 'the configured region');
    throw new InputError(`stack ${stackName} not found in ${region}: deploy it (npx cdk deploy), or pass --stack NAME / --region`);
  }
  const status = stack.StackStatus ?? 'UNKNOWN';
  const values = new Map<string, string>();
  for (const output of stack.Outputs ?? []) if (output.OutputKey && output.OutputValue) values.set(output.OutputKey, output.OutputValue);
  return new StackOutputs(stack.StackName ?? stackName, status, values);
}
