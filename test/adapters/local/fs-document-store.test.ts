import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsDocumentStore } from '../../../lib/adapters/local/index.js';
import { documentStoreContract } from '../../contracts/document-store.contract.js';
import { tempOut } from './helpers.js';
import { fileNameFor } from '../../../lib/core/file-name.js';

/** A ref's names as a run gives them. */
const n = (ref: string) => ({ ref, file: fileNameFor(ref) });

const RUN = '2024-05-31-1';
const pdf = (text: string) => Buffer.from(`%PDF-1.7\n${text}\n%%EOF\n`);

documentStoreContract('FsDocumentStore', () => {
  const out = tempOut();
  return { documents: new FsDocumentStore(out.dir), close: out.cleanup };
});

describe('FsDocumentStore', () => {
  let out: ReturnType<typeof tempOut>;
  let docs: FsDocumentStore;
  let folder: string;

  beforeEach(() => {
    out = tempOut();
    docs = new FsDocumentStore(out.dir);
    folder = join(out.dir, RUN);
    mkdirSync(folder);
  });
  afterEach(() => out.cleanup());

  it('writes <outDir>/<runId>/<ref>.pdf and returns the key <runId>/<ref>.pdf', async () => {
    const key = await docs.put(RUN, n('STK-1001'), pdf('one'), 'sha');
    expect(key).toBe(`${RUN}/STK-1001.pdf`);
    expect(readFileSync(join(folder, 'STK-1001.pdf'))).toEqual(pdf('one'));
    expect(readdirSync(folder)).toEqual(['STK-1001.pdf']);
  });

  it('gives undefined for a run folder that does not exist', async () => {
    expect(await docs.get('2020-01-01-9', n('nope'))).toBeUndefined();
  });

  it('replaces a document atomically: a reader sees the old or the new bytes, never a part', async () => {
    const small = pdf('old');
    const big = pdf('x'.repeat(4 * 1024 * 1024));
    await docs.put(RUN, n('A'), small, 'sha');
    const path = join(folder, 'A.pdf');
    let reading = true;
    const seen = new Set<number>();
    const reader = (async () => {
      while (reading) {
        seen.add(readFileSync(path).length);
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 10; i += 1) await docs.put(RUN, n('A'), i % 2 ? small : big, 'sha');
    reading = false;
    await reader;
    for (const length of seen) expect([small.length, big.length]).toContain(length);
    expect(readdirSync(folder)).toEqual(['A.pdf']);
  });

  it('writes through a dot-named temp file in the run folder', async () => {
    // Catch the temp name by making the final name a directory: the rename fails after the write.
    mkdirSync(join(folder, 'B.pdf'));
    await expect(docs.put(RUN, n('B'), pdf('b'), 'sha')).rejects.toThrow();
    // ...and the failed put cleaned up its temp file.
    expect(readdirSync(folder)).toEqual(['B.pdf']);
  });

  it('creates the run folder if it is missing', async () => {
    await docs.put('2024-06-01-3', n('A'), pdf('a'), 'sha');
    expect(existsSync(join(out.dir, '2024-06-01-3', 'A.pdf'))).toBe(true);
  });

  it('creates the run folder again if it was removed after the first document', async () => {
    await docs.put(RUN, n('A'), pdf('a'), 'sha');
    rmSync(folder, { recursive: true });
    await docs.put(RUN, n('B'), pdf('b'), 'sha');
    expect(readdirSync(folder)).toEqual(['B.pdf']);
  });

  it.each([
    ['../escape.pdf'],
    ['a/../../b.pdf'],
    ['back\\slash.pdf'],
    ['nul\0byte.pdf'],
    ['.hidden.pdf'],
    [`${'x'.repeat(201)}.pdf`],
  ])('says why it refuses the file name %j, and writes nothing anywhere', async (file) => {
    await expect(docs.put(RUN, { ref: 'STK-1', file }, pdf('evil'), 'sha')).rejects.toThrow(/is not one fleetpdf makes/);
    expect(readdirSync(out.dir)).toEqual([RUN]);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('refuses a run id that is not YYYY-MM-DD-n', async () => {
    await expect(docs.put('../../etc', n('A'), pdf('a'), 'sha')).rejects.toThrow(/run id/);
    expect(() => docs.cleanTemp('..')).toThrow(/run id/);
  });

  it('stores refs with spaces, unicode and separators under their safe names, inside the run folder', async () => {
    for (const ref of ['12 34', 'Véhicule_7', '../../escape', 'a/b']) {
      await docs.put(RUN, n(ref), pdf(ref), 'sha');
      expect(await docs.get(RUN, n(ref))).toEqual(pdf(ref));
      expect(readdirSync(folder)).toContain(fileNameFor(ref));
    }
    expect(readdirSync(out.dir)).toEqual([RUN]);
  });

  it('cleanTemp removes temp files a crash left behind, and nothing else', async () => {
    await docs.put(RUN, n('A'), pdf('a'), 'sha');
    writeFileSync(join(folder, '.B.pdf.0a1b2c3d4e5f.part'), '%PDF-half');
    writeFileSync(join(folder, '.report.json.0123456789ab.part'), '{');
    writeFileSync(join(folder, 'report.json'), '{}');
    writeFileSync(join(folder, 'notes.part'), 'a file of the user\'s');
    mkdirSync(join(folder, '.odd.pdf.0123456789ab.part'));
    expect(docs.cleanTemp(RUN)).toBe(2);
    expect(readdirSync(folder).sort()).toEqual(['.odd.pdf.0123456789ab.part', 'A.pdf', 'notes.part', 'report.json']);
    expect(docs.cleanTemp(RUN)).toBe(0);
    expect(docs.cleanTemp('2020-01-01-1')).toBe(0);
  });
});
