import { InputError, VehicleFailedError } from '../../core/errors.js';
import { MAX_REF_BYTES } from './constants.js';
import { isRunId } from './run-id.js';

/**
 * Refs become file names. Refs are validated when the inventory is parsed; this is the last
 * line of defence before the filesystem, so anything that could name another file is refused.
 */
export function assertSafeRef(ref: string): void {
  const problem = refProblem(ref);
  if (problem) throw new VehicleFailedError(`ref ${JSON.stringify(ref.slice(0, 80))} cannot be a file name (${problem})`, 'unsafe_ref');
}

function refProblem(ref: string): string | undefined {
  if (ref.length === 0) return 'empty';
  if (ref.includes('\0')) return 'contains NUL';
  if (/[\\/]/.test(ref)) return 'contains a path separator';
  if (ref.includes('..')) return "contains '..'";
  if (ref.startsWith('.')) return 'starts with a dot';
  if (Buffer.byteLength(ref) > MAX_REF_BYTES) return `longer than ${MAX_REF_BYTES} bytes`;
  return undefined;
}

/** Run ids are generated (`YYYY-MM-DD-n`); anything else reaching the filesystem is a bug or tampering. */
export function assertSafeRunId(runId: string): void {
  if (!isRunId(runId)) throw new InputError(`run id ${JSON.stringify(runId.slice(0, 80))} is not of the form YYYY-MM-DD-n`);
}
