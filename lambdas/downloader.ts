import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { handleVehicleMessage } from '../lib/cloud/download-vehicle.js';
import { logger, metrics } from '../lib/cloud/observability.js';

const processor = new BatchProcessor(EventType.SQS);

/** One SQS batch: each record is one vehicle; failures come back per item (ReportBatchItemFailures). */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  try {
    // Every failure is reported per item, even when the whole batch failed: the invocation
    // itself succeeds, so Lambda does not count a vehicle's bad luck as a function error.
    return await processPartialResponse(event, (record: SQSRecord) => handleVehicleMessage(record), processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
};
