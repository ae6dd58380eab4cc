import { randomBytes } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { RunInputSchema, type RunInput } from './contracts.js';

/** The execution input, checked: `{}` from the console, or `{runId, refs, limit}`. One line per problem. */
export function parseRunInput(event: unknown): RunInput {
  const input = event ?? {};
  const parsed = RunInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'input';
  throw new InputError(
    `bad state machine input at ${where}: ${issue.message} (expected {} or {"runId"?: string, "refs"?: string[], "limit"?: number})`,
  );
}

/** A run id like the local ones, but unique without a shared counter: `2026-11-23-a1b2c3`. */
export function newRunId(now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  return `${day}-${randomBytes(3).toString('hex')}`;
}
