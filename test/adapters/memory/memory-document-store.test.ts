import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../lib/adapters/memory/index.js';
import { InputError } from '../../../lib/core/errors.js';
import { documentStoreContract } from '../../contracts/document-store.contract.js';
import { fileNameFor } from '../../../lib/core/file-name.js';

/** A ref's names as a run gives them. */
const n = (ref: string) => ({ ref, file: fileNameFor(ref) });

documentStoreContract('MemoryDocumentStore', () => ({ documents: new MemoryDocumentStore() }));

describe('MemoryDocumentStore', () => {
  const body = Buffer.from('%PDF-1.4 memory\n%%EOF\n');
  const sha = createHash('sha256').update(body).digest('hex');

  it('keys documents as the run folder does, and lists them', async () => {
    const documents = new MemoryDocumentStore();
    expect(await documents.put('2024-05-31-1', n('B'), body, sha)).toBe('2024-05-31-1/B.pdf');
    await documents.put('2024-05-31-1', n('A'), body, sha);
    expect(documents.keys()).toEqual(['2024-05-31-1/A.pdf', '2024-05-31-1/B.pdf']);
  });

  it('refuses a sha256 that does not match the bytes, and stores nothing', async () => {
    const documents = new MemoryDocumentStore();
    await expect(documents.put('2024-05-31-1', n('A'), body, 'ab'.repeat(32))).rejects.toThrow(/does not match/);
    expect(documents.keys()).toEqual([]);
  });

  it('refuses a run id that could change the key\'s folder', () => {
    const documents = new MemoryDocumentStore();
    for (const runId of ['..', 'a/b', '', '../../etc']) expect(() => documents.keyFor(runId, n('A')), runId).toThrow(InputError);
  });
});
