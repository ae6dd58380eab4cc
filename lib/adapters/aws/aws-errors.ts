import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

/** `base * 2^(try-1)`, with up to 50 % jitter, capped at 5 s. */
export function backoffMs(base: number, tryNumber: number): number {
  const exp = Math.min(5_000, base * 2 ** Math.max(0, tryNumber - 1));
  return Math.round(exp * (0.5 + Math.random() * 0.5));
}
