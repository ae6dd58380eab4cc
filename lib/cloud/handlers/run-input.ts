import { RunInputSchema, type RunInput } from '../../contracts/index.js';
import { InputError } from '../../core/errors.js';

/** The execution input, checked: `{}` from the console, or `{runId, refs, limit}`. One line per problem. */
export function parseRunInput(event: unknown): RunInput {
  const input = event ?? {};
  const parsed = RunInputSchema.safeParse(input);
  if (parsed.success) {
    const { Comment: _comment, ...run } = parsed.data;
    return run;
  }
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'input';
  throw new InputError(
    `bad state machine input at ${where}: ${issue.message} (expected {} or {"runId"?: string, "refs"?: string[], "limit"?: number})`,
  );
}
