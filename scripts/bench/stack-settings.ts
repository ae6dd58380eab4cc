import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackSettings, FunctionSize } from './cloud-model.js';

/**
 * The settings the cloud model needs, read from the real stack: FleetPdfStack is built with its
 * default options (lib/infra/options.ts) and bundling skipped, and the values are taken from its
 * CloudFormation resources (function memory, timeout and /tmp, the event source mapping's batch
 * size and maximum concurrency, the state machine's Wait), so the model follows the stack when
 * it changes. aws-cdk-lib loads only here (a second or two).
 */
export async function readStackSettings(): Promise<StackSettings> {
  const [{ App, Stack }, lambda, sfn, { FleetPdfStack }, { RunStateName }, awsConstants] = await Promise.all([
    import('aws-cdk-lib'),
    import('aws-cdk-lib/aws-lambda'),
    import('aws-cdk-lib/aws-stepfunctions'),
    import('../../lib/infra/fleetpdf-stack.js'),
    import('../../lib/infra/run-state-machine.js'),
    import('../../lib/adapters/aws/constants.js'),
  ]);
  const outdir = mkdtempSync(join(tmpdir(), 'fleetpdf-bench-cdk-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new FleetPdfStack(app, 'FleetPdfBench');
    const resolve = <T>(value: unknown): T => Stack.of(stack).resolve(value) as T;

    const size = (name: keyof typeof stack.functions): FunctionSize & { timeoutSecs: number } => {
      const cfn = stack.functions[name].function.node.defaultChild as InstanceType<typeof lambda.CfnFunction>;
      const storage = resolve<{ size?: number } | undefined>(cfn.ephemeralStorage);
      return {
        memoryMb: resolve<number>(cfn.memorySize),
        ephemeralMb: storage?.size ?? 512,
        timeoutSecs: resolve<number>(cfn.timeout),
      };
    };

    const mappings = stack.node.findAll().filter((c) => c instanceof lambda.CfnEventSourceMapping);
    if (mappings.length !== 1) throw new Error(`expected one event source mapping in the stack, found ${mappings.length}`);
    const mapping = mappings[0] as InstanceType<typeof lambda.CfnEventSourceMapping>;
    const scaling = resolve<{ maximumConcurrency?: number } | undefined>(mapping.scalingConfig);

    const machine = stack.runStateMachine.stateMachine.node.defaultChild as InstanceType<typeof sfn.CfnStateMachine>;
    const pollIntervalSecs = waitSeconds(resolve<unknown>(machine.definitionString), RunStateName.WAIT);

    const downloader = size('Downloader');
    return {
      downloader: {
        ...downloader,
        batchSize: resolve<number | undefined>(mapping.batchSize) ?? 10,
        maxConcurrency: scaling?.maximumConcurrency ?? stack.options.downloaderConcurrency,
      },
      login: size('Login'),
      enqueue: size('Enqueue'),
      progress: size('Progress'),
      report: size('Report'),
      pollIntervalSecs,
      registerConcurrency: awsConstants.DEFAULT_REGISTER_CONCURRENCY,
      sendConcurrency: awsConstants.DEFAULT_SEND_PARALLEL_BATCHES,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The `Seconds` of the named Wait state in a resolved state machine definition: a string, or an
 * `Fn::Join` of strings and tokens (function ARNs), whose literal parts hold the states.
 */
export function waitSeconds(definition: unknown, state: string): number {
  const text = flattenJoin(definition);
  const start = text.indexOf(`${JSON.stringify(state)}:{`);
  if (start < 0) throw new Error(`the state machine has no state ${state}`);
  const match = /"Seconds":(\d+)/.exec(text.slice(start, text.indexOf('}', start) + 1));
  if (!match) throw new Error(`state ${state} is not a fixed-time Wait`);
  return Number(match[1]);
}

function flattenJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
  if (!join) return '';
  return join[1].map((part) => (typeof part === 'string' ? part : '"<token>"')).join(join[0]);
}
