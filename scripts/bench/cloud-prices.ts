/**
 * Public on-demand list prices, us-east-1, x86_64, as published on the AWS pricing pages for
 * Lambda, SQS, S3 Standard, DynamoDB (on-demand, after the November 2024 cut) and Step
 * Functions (Standard workflows). Free tiers are ignored. Written down on PRICES_CHECKED; check
 * them again before budgeting with them.
 */
export const PRICES_CHECKED = '2026-11-23';

export interface Prices {
  /** Lambda compute, x86_64, per GB-second (INIT is billed too since 2025-08-01). */
  lambdaGbSecond: number;
  lambdaPerMillionRequests: number;
  /** Lambda ephemeral storage above the included 512 MB, per GB-second. */
  lambdaEphemeralGbSecond: number;
  /** SQS standard queue, per million requests (each 64 KB chunk of a payload is one). */
  sqsPerMillionRequests: number;
  /** S3 Standard PUT, COPY, POST, LIST, per 1,000 requests. */
  s3PutPerThousand: number;
  /** S3 Standard GET and all other reads, per 1,000 requests. */
  s3GetPerThousand: number;
  /** DynamoDB on-demand, per million write request units (1 KB each). */
  dynamoWritePerMillion: number;
  /** DynamoDB on-demand, per million read request units (4 KB strongly consistent, or 2 x 4 KB eventually consistent). */
  dynamoReadPerMillion: number;
  /** Step Functions Standard workflows, per 1,000 state transitions. */
  stepFunctionsPerThousandTransitions: number;
}

export const US_EAST_1_PRICES: Readonly<Prices> = Object.freeze({
  lambdaGbSecond: 0.0000166667,
  lambdaPerMillionRequests: 0.2,
  lambdaEphemeralGbSecond: 0.0000000309,
  sqsPerMillionRequests: 0.4,
  s3PutPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
  dynamoWritePerMillion: 0.625,
  dynamoReadPerMillion: 0.125,
  stepFunctionsPerThousandTransitions: 0.025,
});

/**
 * How the SQS event source scales a function (AWS Lambda developer guide, "Configuring scaling
 * behavior for SQS event source mappings"): five concurrent batches at first, then up to 300
 * more per minute, up to the mapping's maximum concurrency.
 */
export const SQS_EVENT_SOURCE_SCALING = Object.freeze({ initialConcurrency: 5, addedPerMinute: 300 });
