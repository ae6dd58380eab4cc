import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseVehicleMessage } from '../../adapters/aws/index.js';
import { breakerSignal, decideAttempt, type AttemptEffects } from '../../core/attempt/index.js';
import type { BreakerObservation } from '../../core/breaker/index.js';
import { processVehicle } from '../../core/pipeline/process-vehicle.js';
import type { Outcome } from '../../core/types.js';
import type { VehicleMessage } from '../../contracts/index.js';
import { logger, metrics, MetricUnit } from '../observability.js';
import type { CloudRuntime } from '../runtime.js';

/** SQS visibility is at most 12 hours; a message's delay at most 15 minutes. */
const MAX_VISIBILITY_SECS = 12 * 60 * 60;

/**
 * One vehicle message: the SQS driver of the attempt engine. processVehicle (skip DONE,
 * fetch, verify, store in S3, mark DONE conditionally), the outcome counted on the run's
 * shared breaker, then decideAttempt's effects carried out the SQS way:
 * - a counted retry: the message's visibility set to the backoff and the record failed (a
 *   batch item failure), so SQS redelivers it then and its receive count is the attempt count;
 * - out of attempts: FAILED, visible again at once and failed, so the next receive moves it
 *   to the DLQ (SQS's own move keeps its source queue, which "redrive to source" needs);
 * - FAILED for good (the portal does not know it): the message is deleted;
 * - a retry that does not count (a throttle within the free ones) or a park (the breaker is
 *   open): a new message with a delay, the original deleted. Its receive count starts again,
 *   so a vehicle that waited gets its full attempts after the wait.
 * While the breaker is open, a message is parked before any work: waiting out an outage
 * never walks a vehicle into the DLQ.
 */
export function handleVehicleRecord(rt: CloudRuntime): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    const message = parseVehicleMessage(record.body);
    const attempts = Math.max(0, Number(record.attributes.ApproximateReceiveCount ?? '1') - 1);
    // Keys go with each line, not appendKeys: invocations may share this module (the offline run).
    const keys = { runId: message.runId, ref: message.ref, attempt: attempts + 1 };
    const { aws, settings } = rt;
    const resend = async (next: VehicleMessage, delaySecs: number, why: string, metric: string) => {
      await aws.queue.park(next, delaySecs);
      metrics.addMetric(metric, MetricUnit.Count, 1);
      logger.info(metric === 'parked' ? 'parked while the run is paused' : 'sent again later (not counted as an attempt)', { ...keys, why, delaySecs });
    };
    const breaker = rt.breaker(message.runId);
    const open = await breaker.openTrip();
    if (open) return resend(message, settings.pauseSecs, open.reason, 'parked');

    const lane = rt.lanes.acquire();
    let effects: AttemptEffects;
    let outcome: Outcome;
    try {
      outcome = await processVehicle(
        { ...message, attempts },
        {
          tracker: aws.tracker,
          documents: aws.documents,
          session: rt.session,
          verifier: rt.verifier,
          workerId: rt.workerId,
          timeoutMs: settings.vehicleTimeoutSecs * 1000,
          refreshesPerAttempt: settings.refreshesPerAttempt,
          fetchDocument: (vehicle, session) => rt.fetcher.fetch(lane, vehicle, session),
        },
      );
      rt.fetcher.settled(message.ref, outcome.kind === 'done');
      const error = outcome.kind === 'error' ? outcome.error : undefined;
      // The breaker is advisory: a DynamoDB hiccup counting one outcome must not fail a stored vehicle.
      const observed = await breaker.observe(breakerSignal(outcome), error).catch((failure: unknown) => {
        logger.warn('circuit breaker not updated', { ...keys, error: String(failure) });
        return { open: false } as BreakerObservation;
      });
      if (observed.opened) logger.error('circuit breaker opened: pausing the run', { ...keys, reason: observed.opened.reason, critical: observed.opened.critical });
      effects = decideAttempt({
        outcome,
        vehicle: { attempts, throttles: message.throttles ?? 0, relogins: message.relogins ?? 0 },
        breakerOpen: observed.open,
        pauseMs: settings.pauseSecs * 1000,
        policy: rt.policy,
      });
      if (effects.recyclePage) await rt.fetcher.recycle(lane);
    } finally {
      rt.lanes.release(lane);
    }

    if (Object.keys(effects.counters).length > 0) await aws.counters.add(message.runId, effects.counters);
    if (effects.tracker.write === 'error') await aws.tracker.recordError(message.runId, message.ref, effects.tracker.failure);
    else if (effects.tracker.write === 'failed') await aws.tracker.markFailed(message.runId, message.ref, effects.tracker.failure);

    if (outcome.kind === 'done') {
      metrics.addMetric('downloaded', MetricUnit.Count, 1);
      metrics.addMetric('duration', MetricUnit.Milliseconds, outcome.durationMs);
      logger.info('stored', { ...keys, bytes: outcome.bytes, key: outcome.storageKey, durationMs: outcome.durationMs });
      return;
    }
    if (outcome.kind === 'already-done') {
      logger.info('already DONE; skipped (a redelivered message)', keys);
      return;
    }
    const { error } = outcome;
    logger.warn('attempt failed', { ...keys, reason: error.reason, error: error.message, result: effects.result });
    const queue = effects.queue;
    switch (queue.kind) {
      case 'retry':
        metrics.addMetric('retries', MetricUnit.Count, 1);
        if (!queue.countAttempt) {
          const { throttles, relogins } = effects.vehicle;
          return resend({ ...message, throttles, relogins }, Math.ceil(queue.delayMs / 1000), error.reason, 'requeued');
        }
        await aws.queue.changeVisibility(record.receiptHandle, Math.min(MAX_VISIBILITY_SECS, Math.ceil(queue.delayMs / 1000))).catch(() => undefined);
        throw error;
      case 'give-up':
        metrics.addMetric('failed', MetricUnit.Count, 1);
        if (!queue.deadLetter) return;
        await aws.queue.changeVisibility(record.receiptHandle, 0).catch(() => undefined);
        throw error;
      case 'park':
        return resend(message, Math.ceil(queue.delayMs / 1000), error.reason, 'parked');
      case 'release':
        // The breaker is open (critical) now: the vehicle waits, uncounted, for the run to resume.
        return resend(message, settings.pauseSecs, error.reason, 'parked');
      case 'done':
        return;
    }
  };
}

/** The downloader Lambda: one SQS batch, each record one vehicle, failures per item (ReportBatchItemFailures). */
export function downloaderHandler(rt: CloudRuntime): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = handleVehicleRecord(rt);
  return async (event, context) => {
    try {
      // Every failure is reported per item, even when the whole batch failed: the invocation
      // itself succeeds, so Lambda does not count a vehicle's bad luck as a function error.
      return await processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
