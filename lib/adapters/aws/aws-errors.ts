import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffMs } from '../../core/attempt/index.js';
import { AWS_RETRY_MAX_DELAY_MS } from './constants.js';
import type { DynamoClient } from './types.js';

/** The service error name the SDK gives a thrown error (`ConditionalCheckFailedException`, `NoSuchKey`, ...). */
export function awsErrorName(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return awsErrorName(error) === 'ConditionalCheckFailedException';
}

/** A DocumentClient for either kind of client; one made here drops undefined attributes. */
export function documentClient(client: DynamoClient): DynamoDBDocumentClient {
  if (client instanceof DynamoDBDocumentClient) return client;
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The wait before retry `retry` (1 = the first) of an AWS call: full jitter, doubling from `baseMs`, capped. */
export function retryDelayMs(baseMs: number, retry: number): number {
  return backoffMs(retry - 1, baseMs, AWS_RETRY_MAX_DELAY_MS);
}
