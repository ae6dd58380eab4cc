import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors.js';
import { assertSafeFileName } from '../../core/file-name.js';
import type { DocumentName, DocumentStore } from '../../core/ports.js';

/** What a run id may be when it becomes part of a key (as an S3 prefix allows: no separators, no dot names). */
const RUN_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Verified PDFs in a map, keyed `<runId>/<file name>` (the run folder's layout), each with its exact ref. A put is
 * atomic (the map holds the whole old document or the whole new one); bytes are copied in
 * and out, so a caller reusing its buffer cannot change a stored document. Refs and run ids
 * names and run ids are checked as the S3 store checks them, and a sha256 that does not match the bytes is
 * refused (a caller bug the S3 store also refuses).
 */
export class MemoryDocumentStore implements DocumentStore {
  readonly #documents = new Map<string, { bytes: Buffer; ref: string }>();

  keyFor(runId: string, name: DocumentName): string {
    assertSafeRunId(runId);
    assertSafeFileName(name.file, name.ref);
    return `${runId}/${name.file}`;
  }

  async put(runId: string, name: DocumentName, bytes: Buffer, sha256: string): Promise<string> {
    const key = this.keyFor(runId, name);
    if (createHash('sha256').update(bytes).digest('hex') !== sha256.toLowerCase()) {
      throw new Error(`sha256 given for ${key} does not match its ${bytes.length} bytes`);
    }
    this.#documents.set(key, { bytes: Buffer.from(bytes), ref: name.ref });
    return key;
  }

  async get(runId: string, name: DocumentName): Promise<Buffer | undefined> {
    const stored = this.#documents.get(this.keyFor(runId, name));
    return stored && Buffer.from(stored.bytes);
  }

  /** The exact ref a document was stored with (what the S3 store keeps in metadata). */
  refOf(key: string): string | undefined {
    return this.#documents.get(key)?.ref;
  }

  /** Every stored key, sorted (what a test inspects instead of a folder listing). */
  keys(): string[] {
    return [...this.#documents.keys()].sort();
  }
}

function assertSafeRunId(runId: string): void {
  if (!RUN_ID.test(runId) || runId === '.' || runId === '..') {
    throw new InputError(`run id ${JSON.stringify(runId.slice(0, 80))} cannot be part of a document key (letters, digits, ".", "_" and "-" only, at most 64)`);
  }
}
