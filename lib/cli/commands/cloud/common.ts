import { z } from 'zod';
import { Redactor } from '../../../core/redact.js';
import { RunIdSchema } from '../../../contracts/index.js';
import { describeAwsFailure } from '../../../ops/aws-failures.js';
import { openOps, type OpsContext } from '../../../ops/context.js';
import { defaultStackName } from '../../../ops/stack-outputs.js';
import { Output } from '../../output.js';

/** Options every `fleetpdf cloud` command takes: which stack, as whom, where. */
export const AwsOptionsSchema = z.object({
  stack: z
    .string()
    .regex(
      /^([A-Za-z][A-Za-z0-9-]{0,127}|arn:aws[a-z-]*:cloudformation:[^\s]+)$/,
      '--stack must be a CloudFormation stack name (a letter, then letters, digits or "-") or a stack ARN',
    )
    .optional(),
  profile: z.string().trim().min(1, '--profile must name an AWS profile').optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, '--region must be an AWS region such as us-east-1')
    .optional(),
});
export type AwsOptions = z.infer<typeof AwsOptionsSchema>;

/** `--run ID`: a run id as the state machine accepts it. */
export const RunIdOption = z
  .string()
  .refine((id) => RunIdSchema.safeParse(id).success, '--run must be a run id: letters, digits, ".", "_" and "-", at most 64')
  .optional();

/** A whole number option with its bounds in the message. */
export const wholeOption = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

/** Human lines go to stderr (stdout is kept for --json). */
export function output(): Output {
  return new Output(new Redactor());
}

/**
 * Open the stack (its outputs by DescribeStacks), run `work`, close the clients. Every AWS
 * failure leaves as one line saying what to fix (lib/ops/aws-failures.ts).
 */
export async function withStack<T>(options: AwsOptions, work: (ctx: OpsContext) => Promise<T>): Promise<T> {
  let ctx: OpsContext | undefined;
  try {
    ctx = await openOps({ stackName: options.stack ?? defaultStackName(), profile: options.profile, region: options.region });
    return await work(ctx);
  } catch (error) {
    throw describeAwsFailure(error, options);
  } finally {
    ctx?.close();
  }
}

/** Run `work` with an AbortSignal that Ctrl-C / SIGTERM abort (a watch ends cleanly, nothing is lost). */
export async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>): Promise<{ result: T; interrupted: boolean }> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await work(stop.signal);
    return { result, interrupted: stop.signal.aborted };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
