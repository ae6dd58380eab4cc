import { z } from 'zod';
import { parseOptions } from '../../config.js';
import { ExitCode } from '../../exit-codes.js';
import { formatMoveTask, isActive, readMoveTask, redriveTarget, startRedrive, waitForMoveTask } from '../../../ops/redrive.js';
import { InputError } from '../../../core/errors.js';
import { AwsOptionsSchema, output, untilInterrupted, wholeOption, withStack } from './common.js';

const RedriveOptionsSchema = AwsOptionsSchema.extend({
  wait: z.boolean().default(false),
  interval: wholeOption('--interval', 1, 600).default(2),
});

/** `fleetpdf cloud redrive`: DLQ back to the vehicle queue; --wait follows the move task to its end. */
export async function cloudRedriveCommand(raw: Record<string, unknown>): Promise<number> {
  const options = parseOptions(RedriveOptionsSchema, raw);
  const out = output();
  return withStack(options, async (ctx) => {
    const target = await redriveTarget(ctx);
    const running = await readMoveTask(ctx.clients.sqs, target.dlqArn);
    if (running && isActive(running)) {
      // SQS runs one move task per queue: --wait follows the one under way instead of failing.
      if (!options.wait) throw new InputError(`a redrive of ${target.dlqName} is already running (${running.moved} of ${running.toMove} moved): "fleetpdf cloud redrive --wait" follows it`);
      out.line(`following the redrive already running on ${target.dlqName}`);
    } else {
      const waiting = await startRedrive(ctx, target);
      out.line(`redrive started: ${waiting} messages from ${target.dlqName} back to the vehicle queue`);
    }
    if (!options.wait) {
      const state = await readMoveTask(ctx.clients.sqs, target.dlqArn);
      if (state) out.line(formatMoveTask(state));
      out.line('then start the affected run again for a fresh report: fleetpdf cloud start --run ID');
      return ExitCode.OK;
    }
    let lastMoved = -1;
    const { result: final, interrupted } = await untilInterrupted((signal) =>
      waitForMoveTask({
        sqs: ctx.clients.sqs,
        dlqArn: target.dlqArn,
        intervalMs: options.interval * 1000,
        signal,
        onState: (state) => {
          if (isActive(state) && state.moved !== lastMoved) out.line(formatMoveTask(state));
          lastMoved = state.moved;
        },
      }),
    );
    if (interrupted) {
      out.line('stopped watching; the redrive goes on in SQS');
      return ExitCode.INTERRUPTED;
    }
    if (!final) throw new InputError(`no redrive of ${target.dlqName} is listed by SQS`);
    out.line(formatMoveTask(final));
    if (final.status !== 'COMPLETED') return ExitCode.VEHICLES_FAILED;
    out.line('then start the affected run again for a fresh report: fleetpdf cloud start --run ID');
    return ExitCode.OK;
  });
}
