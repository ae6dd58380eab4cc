import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { S3DocumentStore } from '../../../lib/adapters/aws/index.js';
import { InputError, VehicleFailedError } from '../../../lib/core/errors.js';
import { decodeRefMetadata } from '../../../lib/contracts/index.js';
import { documentStoreContract } from '../../contracts/document-store.contract.js';
import { createCloudResources, useEmulators, type CloudResources } from '../../emulators/aws-env.js';
import { fileNameFor } from '../../../lib/core/file-name.js';

/** A ref's names as a run gives them. */
const n = (ref: string) => ({ ref, file: fileNameFor(ref) });

useEmulators();

const RUN = 'specific-run';
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A PDF-ish body with every byte value in it, so any re-encoding shows. */
const pdf = (ref: string) => Buffer.concat([Buffer.from(`%PDF-1.7\n% ${ref}\n`), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(64 * 1024), Buffer.from('\n%%EOF\n')]);

/** One bucket for the file: the contract gives every test runs of its own. */
let shared: Promise<CloudResources> | undefined;
const resources = () => (shared ??= createCloudResources('s3'));

documentStoreContract('S3DocumentStore (s3rver)', async () => {
  const res = await resources();
  return { documents: new S3DocumentStore({ client: res.clients.s3, bucket: res.bucket }) };
});

describe('S3DocumentStore (s3rver)', () => {
  let res: CloudResources;
  let store: S3DocumentStore;

  beforeAll(async () => {
    res = await resources();
    store = new S3DocumentStore({ client: res.clients.s3, bucket: res.bucket });
  });

  it('stores a PDF under runs/<runId>/pdfs/<file name> with its content type, sha256 and ref metadata', async () => {
    const body = pdf('R00001');
    const key = await store.put(RUN, n('R00001'), body, sha(body));
    expect(key).toBe(`runs/${RUN}/pdfs/R00001.pdf`);
    const head = await res.clients.s3.send(new HeadObjectCommand({ Bucket: res.bucket, Key: key }));
    expect(head.ContentType).toBe('application/pdf');
    expect(head.ContentLength).toBe(body.length);
    expect(head.Metadata).toEqual({ sha256: sha(body), ref: 'R00001' });
    // And the raw object, read without the adapter, is the same bytes.
    const raw = await res.clients.s3.send(new GetObjectCommand({ Bucket: res.bucket, Key: key }));
    expect(sha(Buffer.from(await raw.Body!.transformToByteArray()))).toBe(sha(body));
  });

  it('refuses a sha256 that does not match the bytes (nothing stored)', async () => {
    const body = pdf('R00002');
    await expect(store.put(RUN, n('R00002'), body, 'ab'.repeat(32))).rejects.toThrow(/does not match/);
    expect(await store.get(RUN, n('R00002'))).toBeUndefined();
  });

  it.each([
    [' STK 0099 '],
    ['STK-0007/B'],
    ['Véhicule'],
    ['../../etc/passwd'],
    ['x'.repeat(200)],
  ])('stores the ref %j under its safe key, with the exact ref percent-encoded in its metadata', async (ref) => {
    const body = pdf('x');
    const key = await store.put(RUN, n(ref), body, sha(body));
    expect(key).toBe(`runs/${RUN}/pdfs/${fileNameFor(ref)}`);
    const object = await store.getObject(key);
    expect(object?.metadata.ref).toBe(encodeURIComponent(ref));
    expect(decodeRefMetadata(object!.metadata.ref!)).toBe(ref);
  });

  it('refuses a file name the rule could not have made (unsafe_ref)', async () => {
    const body = pdf('x');
    const error = await store.put(RUN, { ref: 'R1', file: '../R1.pdf' }, body, sha(body)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VehicleFailedError);
    expect((error as VehicleFailedError).reason).toBe('unsafe_ref');
  });

  it('refuses a run id that could change the prefix', async () => {
    const body = pdf('x');
    for (const runId of ['..', 'a/b', '', '../../etc']) {
      await expect(store.put(runId, n('R1'), body, sha(body))).rejects.toBeInstanceOf(InputError);
    }
    const listed = await res.clients.s3.send(new ListObjectsV2Command({ Bucket: res.bucket }));
    expect((listed.Contents ?? []).every((o) => o.Key?.startsWith('runs/'))).toBe(true);
  });

  it('writes text reports under runs/ and refuses keys elsewhere', async () => {
    const key = await store.putText(`runs/${RUN}/report.json`, '{"ok":true}', 'application/json');
    const obj = await store.getObject(key);
    expect(obj?.body.toString('utf8')).toBe('{"ok":true}');
    expect(obj?.contentType).toBe('application/json');
    await expect(store.putText('elsewhere/report.json', 'x', 'text/plain')).rejects.toBeInstanceOf(InputError);
    await expect(store.putText(`runs/${RUN}/../../x`, 'x', 'text/plain')).rejects.toBeInstanceOf(InputError);
  });

  it('lists a run\'s PDFs across pages (1,000 keys a page), ignoring other runs and other files', async () => {
    const runId = 'list-run';
    const body = Buffer.from('%PDF-1.4 small\n%%EOF\n');
    const refs = Array.from({ length: 1_005 }, (_, i) => `L${String(i).padStart(5, '0')}`);
    // Written with the raw client, 32 at a time (the store would hash each one; the listing is under test here).
    for (let i = 0; i < refs.length; i += 32) {
      await Promise.all(
        refs.slice(i, i + 32).map((ref) => res.clients.s3.send(new PutObjectCommand({ Bucket: res.bucket, Key: `runs/${runId}/pdfs/${ref}.pdf`, Body: body }))),
      );
    }
    await store.putText(`runs/${runId}/report.json`, '{}', 'application/json');
    await res.clients.s3.send(new PutObjectCommand({ Bucket: res.bucket, Key: `runs/${runId}-other/pdfs/X.pdf`, Body: body }));
    const pdfs = await store.listPdfs(runId);
    expect(pdfs).toHaveLength(1_005);
    expect(pdfs.map((p) => p.file)).toEqual(refs.map((ref) => `${ref}.pdf`));
    expect(pdfs[0]).toMatchObject({ file: 'L00000.pdf', key: `runs/${runId}/pdfs/L00000.pdf`, size: body.length });
  }, 60_000);
});
