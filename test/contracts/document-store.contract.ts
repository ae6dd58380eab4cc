import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VehicleFailedError } from '../../lib/core/errors.js';
import { fileNameFor } from '../../lib/core/file-name.js';
import type { DocumentName, DocumentStore } from '../../lib/core/ports.js';

export interface DocumentStoreFixture {
  documents: DocumentStore;
  close?: () => void | Promise<void>;
}

export type DocumentStoreSetup = () => DocumentStoreFixture | Promise<DocumentStoreFixture>;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A PDF-ish body with every byte value in it, so any re-encoding shows. */
const pdf = (ref: string) =>
  Buffer.concat([Buffer.from(`%PDF-1.7\n% ${ref}\n`), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(16 * 1024), Buffer.from('\n%%EOF\n')]);

/** A ref's names as the run gives them (no clashes in these tests). */
const n = (ref: string): DocumentName => ({ ref, file: fileNameFor(ref) });

/** File names every store refuses, whatever the ref: each could name another file or key. */
const UNSAFE_FILES: [string, string][] = [
  ['../escape.pdf', 'a path'],
  ['a/b.pdf', 'a slash'],
  ['back\\slash.pdf', 'a backslash'],
  ['..', 'dot-dot'],
  ['.hidden.pdf', 'a leading dot'],
  ['', 'empty'],
  ['nul\0byte.pdf', 'a NUL'],
  [`${'x'.repeat(300)}.pdf`, 'too long'],
  ['CON.pdf', 'a Windows device name'],
  ['A', 'no .pdf'],
];

/** Refs that were refused once and are now stored under their safe names. */
const AWKWARD_REFS = ['../escape', 'STK-0007/B', ' STK 0099 ', 'STK-0150\u00c4', 'back\\slash', '..', '.hidden', 'x'.repeat(200), 'CON'];

/**
 * What every DocumentStore promises (lib/core/ports.ts): put returns the name's key and stores
 * the exact bytes, get gives them back (or undefined), keys are per run and file name, a
 * document is replaced whole, and no file name that could name anything else becomes a key.
 */
export function documentStoreContract(name: string, setup: DocumentStoreSetup): void {
  describe(`${name} (DocumentStore contract)`, () => {
    let fixture: DocumentStoreFixture;
    let documents: DocumentStore;
    let runs = 0;
    const newRun = () => `2024-05-31-${++runs}`;

    beforeEach(async () => {
      fixture = await setup();
      documents = fixture.documents;
    });
    afterEach(async () => {
      await fixture.close?.();
    });

    it('puts a document under keyFor(runId, ref) and gets the same bytes back', async () => {
      const run = newRun();
      const body = pdf('STK-1001');
      const key = await documents.put(run, n('STK-1001'), body, sha(body));
      expect(key).toBe(documents.keyFor(run, n('STK-1001')));
      expect(key).toContain('STK-1001');
      const back = await documents.get(run, n('STK-1001'));
      expect(back && sha(back)).toBe(sha(body));
    });

    it('gives undefined for a document not stored, in a run with documents and in one without', async () => {
      const run = newRun();
      const body = pdf('A');
      await documents.put(run, n('A'), body, sha(body));
      expect(await documents.get(run, n('B'))).toBeUndefined();
      expect(await documents.get(newRun(), n('A'))).toBeUndefined();
    });

    it('keys a document by run and ref: same inputs, same key; another run or ref, another key', () => {
      const [one, two] = [newRun(), newRun()];
      expect(documents.keyFor(one, n('A'))).toBe(documents.keyFor(one, n('A')));
      const keys = [documents.keyFor(one, n('A')), documents.keyFor(one, n('B')), documents.keyFor(two, n('A'))];
      expect(new Set(keys).size).toBe(3);
    });

    it('replaces a document whole when a ref is put again', async () => {
      const run = newRun();
      const first = pdf('A');
      const second = Buffer.concat([pdf('A'), pdf('A')]);
      const key = await documents.put(run, n('A'), first, sha(first));
      expect(await documents.put(run, n('A'), second, sha(second))).toBe(key);
      const back = await documents.get(run, n('A'));
      expect(back?.length).toBe(second.length);
      expect(back && sha(back)).toBe(sha(second));
    });

    it('keeps what was stored when the caller reuses its buffers', async () => {
      const run = newRun();
      const body = pdf('A');
      const digest = sha(body);
      await documents.put(run, n('A'), body, digest);
      body.fill(0);
      const read = (await documents.get(run, n('A')))!;
      read.fill(1);
      expect(sha((await documents.get(run, n('A')))!)).toBe(digest);
    });

    it('stores 20 documents put at once, each intact under its own key', async () => {
      const run = newRun();
      const bodies = Array.from({ length: 20 }, (_, i) => ({ ref: `R${String(i).padStart(5, '0')}`, body: pdf(`R${i}`) }));
      const keys = await Promise.all(bodies.map(({ ref, body }) => documents.put(run, n(ref), body, sha(body))));
      expect(new Set(keys).size).toBe(20);
      for (const { ref, body } of bodies) expect(sha((await documents.get(run, n(ref)))!)).toBe(sha(body));
    });

    it('accepts ordinary refs: letters, digits, dashes, dots and underscores, up to 64 characters', async () => {
      const run = newRun();
      for (const ref of ['STK-1001', 'A.B', 'a_b-c', '40213377', 'x'.repeat(64)]) {
        const body = pdf(ref);
        await documents.put(run, n(ref), body, sha(body));
        expect(sha((await documents.get(run, n(ref)))!), ref).toBe(sha(body));
      }
    });

    it.each(AWKWARD_REFS)('stores the awkward ref %j under its safe name, directly under the run', async (ref) => {
      const run = newRun();
      const body = pdf(ref);
      const key = await documents.put(run, n(ref), body, sha(body));
      // The run folder's layout (fs, memory) or the S3 layout: the safe name, nothing above it.
      expect([`${run}/${fileNameFor(ref)}`, `runs/${run}/pdfs/${fileNameFor(ref)}`]).toContain(key);
      expect(sha((await documents.get(run, n(ref)))!)).toBe(sha(body));
    });

    it.each(UNSAFE_FILES)('refuses the file name %j (%s) as unsafe_ref for put, get and keyFor', async (file) => {
      const run = newRun();
      const body = pdf('evil');
      const name = { ref: 'STK-1', file };
      for (const call of [() => documents.put(run, name, body, sha(body)), () => documents.get(run, name)]) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(VehicleFailedError);
        expect((error as VehicleFailedError).reason).toBe('unsafe_ref');
      }
      expect(() => documents.keyFor(run, name)).toThrow(VehicleFailedError);
    });
  });
}
