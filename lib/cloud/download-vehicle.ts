import type { SQSRecord } from 'aws-lambda';
import { parseVehicleMessage } from '../adapters/aws/index.js';
import { Disposition, leavesPageBroken } from '../core/errors.js';
import { processVehicle } from '../core/pipeline/process-vehicle.js';
import { logger, metrics, MetricUnit } from './observability.js';
import { cloudRuntime } from './runtime.js';

/** SQS visibility is at most 12 hours. */
const MAX_VISIBILITY_SECS = 12 * 60 * 60;

/**
 * One vehicle message, the cloud way: processVehicle (skip DONE, fetch, verify, store in S3,
 * mark DONE conditionally), then the shared retry policy decides. A retry is a thrown error
 * (a batch item failure) with the message's visibility set to the backoff, so SQS redelivers
 * it then; the last failed attempt is marked FAILED and still thrown, so SQS moves the
 * message to the DLQ for a redrive; a vehicle that can never succeed is FAILED and deleted.
 *
 * Every outcome feeds the run's shared circuit breaker. While it is open (the portal as a
 * whole is failing, or the credentials stopped working) a message is parked: sent again as a
 * new message hidden for the pause (the original is deleted), so waiting out an outage
 * never walks a vehicle into the DLQ.
 */
export async function handleVehicleMessage(record: SQSRecord): Promise<void> {
  const rt = cloudRuntime();
  const message = parseVehicleMessage(record.body);
  const attempts = Math.max(0, Number(record.attributes.ApproximateReceiveCount ?? '1') - 1);
  // Keys go with each line, not appendKeys: invocations may share this module (the offline run).
  const keys = { runId: message.runId, ref: message.ref, attempt: attempts + 1 };
  const park = async (why: string) => {
    await rt.aws.queue.park(message, rt.settings.pauseSecs);
    metrics.addMetric('parked', MetricUnit.Count, 1);
    logger.info('parked while the run is paused', { ...keys, why });
  };
  const open = await rt.breaker.openTrip(message.runId);
  if (open) return park(open.reason);

  const counters = rt.aws.counters;
  const lane = rt.lanes.acquire();
  try {
    const outcome = await processVehicle(
      { ...message, attempts },
      {
        tracker: rt.aws.tracker,
        documents: rt.aws.documents,
        session: rt.session,
        workerId: rt.workerId,
        timeoutMs: rt.settings.vehicleTimeoutMs,
        fetchDocument: (vehicle, session) => rt.fetcher.fetch(lane, vehicle, session),
        verifier: rt.verifier,
        onEvent: (event) => {
          if (event.type === 'document-rejected' && event.wrongVehicle) {
            void counters.add(message.runId, { wrong_documents_rejected: 1 }).catch(() => undefined);
          } else if (event.type === 'duplicate') {
            void counters.add(message.runId, { duplicates: 1 }).catch(() => undefined);
          }
        },
      },
    );
    if (outcome.kind === 'done') {
      await rt.breaker.record(message.runId).catch(() => undefined);
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
    if (leavesPageBroken(error)) await rt.fetcher.recycle(lane);
    const tripped = await rt.breaker.record(message.runId, error);
    if (tripped) logger.error('circuit breaker opened: pausing the run', { ...keys, reason: tripped.reason, critical: tripped.critical });
    const decision = rt.retry.decide(error, attempts);
    const failure = { error: error.message, reason: error.reason, attempts: attempts + 1 };
    logger.warn('attempt failed', { ...keys, reason: error.reason, error: error.message, decision: decision.action });
    if (decision.action === 'retry') {
      metrics.addMetric('retries', MetricUnit.Count, 1);
      await counters.add(message.runId, { retries: 1 });
      await rt.aws.tracker.recordError(message.runId, message.ref, failure);
      const delaySecs = Math.min(MAX_VISIBILITY_SECS, Math.ceil(decision.delayMs / 1000));
      await rt.aws.queue.changeVisibility(record.receiptHandle, delaySecs).catch(() => undefined);
      throw error;
    }
    if (decision.action === 'fail') {
      metrics.addMetric('failed', MetricUnit.Count, 1);
      await rt.aws.tracker.markFailed(message.runId, message.ref, failure);
      if (error.disposition === Disposition.FAIL) return; // can never succeed: FAILED, message deleted
      // Out of attempts: visible again at once and thrown, so the next receive moves it to the
      // DLQ (SQS's own move keeps its source queue, which "redrive to source" needs).
      await rt.aws.queue.changeVisibility(record.receiptHandle, 0).catch(() => undefined);
      throw error;
    }
    // Stop: not this vehicle's fault (credentials, config). The breaker is open now; the
    // attempt is not counted and the vehicle waits for the run to resume.
    return park(error.reason);
  } finally {
    rt.lanes.release(lane);
  }
}
