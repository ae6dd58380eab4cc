import { createHash } from 'node:crypto';
import { InputError, VehicleFailedError } from '../../core/errors.js';
import type { DocumentStore } from '../../core/ports.js';
import { validateRef } from '../../core/portal/inventory-csv.js';

/** What a run id may be when it becomes part of a key (as an S3 prefix allows: no separators, no dot names). */
const RUN_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Verified PDFs in a map, keyed `<runId>/<ref>.pdf` (the run folder's layout). A put is
 * atomic (the map holds the whole old document or the whole new one); bytes are copied in
 * and out, so a caller reusing its buffer cannot change a stored document. Refs and run ids
 * are checked as the S3 store checks them, and a sha256 that does not match the bytes is
 * refused (a caller bug the S3 store also refuses).
 */
export class MemoryDocumentStore implements DocumentStore {
  readonly #documents = new Map<string, Buffer>();

  keyFor(runId: string, ref: string): string {
    assertSafeRunId(runId);
    assertSafeRef(ref);
    return `${runId}/${ref}.pdf`;
  }

  async put(runId: string, ref: string, bytes: Buffer, sha256: string): Promise<string> {
    const key = this.keyFor(runId, ref);
    if (createHash('sha256').update(bytes).digest('hex') !== sha256.toLowerCase()) {
      throw new Error(`sha256 given for ${key} does not match its ${bytes.length} bytes`);
    }
    this.#documents.set(key, Buffer.from(bytes));
    return key;
  }

  async get(runId: string, ref: string): Promise<Buffer | undefined> {
    const stored = this.#documents.get(this.keyFor(runId, ref));
    return stored && Buffer.from(stored);
  }

  /** Every stored key, sorted (what a test inspects instead of a folder listing). */
  keys(): string[] {
    return [...this.#documents.keys()].sort();
  }
}

function assertSafeRef(ref: string): void {
  const problem = ref !== ref.trim() ? `unsafe ref ${JSON.stringify(ref.slice(0, 70))}: surrounding whitespace` : validateRef(ref);
  if (problem) throw new VehicleFailedError(`${problem}; it cannot be a document key`, 'unsafe_ref');
}

function assertSafeRunId(runId: string): void {
  if (!RUN_ID.test(runId) || runId === '.' || runId === '..') {
    throw new InputError(`run id ${JSON.stringify(runId.slice(0, 80))} cannot be part of a document key (letters, digits, ".", "_" and "-" only, at most 64)`);
  }
}
