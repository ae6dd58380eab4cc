import { InputError } from '../../core/errors.js';
import { isRunId } from './run-id.js';

/** Run ids are generated (`YYYY-MM-DD-n`); anything else reaching the filesystem is a bug or tampering. */
export function assertSafeRunId(runId: string): void {
  if (!isRunId(runId)) throw new InputError(`run id ${JSON.stringify(runId.slice(0, 80))} is not of the form YYYY-MM-DD-n`);
}
