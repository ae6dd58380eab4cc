import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../lib/adapters/aws/aws-errors.js';
import { S3Keys } from '../../lib/contracts/index.js';
import { InputError } from '../../lib/core/errors.js';
import { openOps, type OpsContext } from '../../lib/ops/context.js';
import { pullRun } from '../../lib/ops/pull.js';
import { useEmulators } from '../emulators/aws-env.js';
import { opsFixture, seedRun, sha256, type OpsFixture } from './helpers.js';
import { assignFileNames } from '../../lib/core/file-name.js';

useEmulators();

const RUN = '2026-11-23-pull01';
const REFS = ['P0001', 'P0002', 'P0003', 'P0004', 'P0005', 'P0006'];

describe('pullRun: resumable, parallel, every PDF checked against its recorded sha256', () => {
  let fx: OpsFixture;
  let ctx: OpsContext;
  let bodies: Map<string, Buffer>;
  let dir: string;

  beforeAll(async () => {
    fx = await opsFixture('ops-pull');
    // 5 of the 6 refs DONE; P0006 stays PENDING (no PDF yet).
    bodies = await seedRun(fx, RUN, REFS, 5);
    await fx.documents.putText(S3Keys.report(RUN), '{"runId":"x"}\n', 'application/json');
    await fx.documents.putText(S3Keys.manifest(RUN), 'ref,status\n', 'text/csv');
    ctx = await fx.open();
    dir = mkdtempSync(join(tmpdir(), 'fleetpdf-pull-'));
  });
  afterAll(async () => {
    ctx?.close();
    await fx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pull = (concurrency = 3) => pullRun({ ctx, runId: RUN, dir, concurrency });
  const local = (ref: string) => readFileSync(join(dir, `${ref}.pdf`));

  it('downloads every DONE row byte-exact, with the run files, and counts the rest', async () => {
    const progress: number[] = [];
    const result = await pullRun({ ctx, runId: RUN, dir, concurrency: 2, onProgress: (p) => progress.push(p.downloaded) });
    expect(result).toMatchObject({ total: 5, downloaded: 5, alreadyThere: 0, failed: 0, replaced: 0, errors: [] });
    expect(result.counts).toMatchObject({ DONE: 5, PENDING: 1 });
    for (const [ref, body] of bodies) expect(local(ref).equals(body)).toBe(true);
    expect(result.runFiles).toEqual(['report.json', 'manifest.csv']);
    expect(readdirSync(dir).sort()).toEqual(['P0001.pdf', 'P0002.pdf', 'P0003.pdf', 'P0004.pdf', 'P0005.pdf', 'manifest.csv', 'report.json']);
    expect(progress.at(-1)).toBe(5);
  });

  it('resumes: files whose sha256 matches the recorded one are kept, not downloaded again', async () => {
    const before = statSync(join(dir, 'P0001.pdf')).mtimeMs;
    const result = await pull();
    expect(result).toMatchObject({ downloaded: 0, alreadyThere: 5, failed: 0 });
    expect(statSync(join(dir, 'P0001.pdf')).mtimeMs).toBe(before);
  });

  it('re-downloads a corrupted or truncated local file, and removes temp files a crash left', async () => {
    writeFileSync(join(dir, 'P0002.pdf'), 'garbage');
    writeFileSync(join(dir, 'P0003.pdf'), local('P0003').subarray(0, 100));
    writeFileSync(join(dir, '.P0004.pdf.0123456789ab.part'), 'half a download');
    const result = await pull();
    expect(result).toMatchObject({ downloaded: 2, replaced: 2, alreadyThere: 3, failed: 0 });
    expect(local('P0002').equals(bodies.get('P0002')!)).toBe(true);
    expect(local('P0003').equals(bodies.get('P0003')!)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('reports an S3 object that does not match its recorded sha256, and writes nothing for it', async () => {
    const key = S3Keys.pdf(RUN, 'P0004.pdf');
    // Bit rot: different bytes under the same key, its metadata still claiming the recorded sha256.
    await fx.resources.clients.s3.send(
      new PutObjectCommand({ Bucket: fx.resources.bucket, Key: key, Body: Buffer.from('%PDF-1.7 tampered'), Metadata: { sha256: sha256(bodies.get('P0004')!) } }),
    );
    rmSync(join(dir, 'P0004.pdf'));
    const result = await pull();
    expect(result.failed).toBe(1);
    expect(result.errors).toEqual([{ ref: 'P0004', message: expect.stringMatching(/runs\/2026-11-23-pull01\/pdfs\/P0004\.pdf has sha256 [0-9a-f]{12}\.\.\., not the recorded [0-9a-f]{12}\.\.\.: not written/) }]);
    expect(readdirSync(dir)).not.toContain('P0004.pdf');
    expect(readdirSync(dir).filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('keeps a good local copy when the S3 object has gone bad (nothing to download)', async () => {
    writeFileSync(join(dir, 'P0004.pdf'), bodies.get('P0004')!);
    const result = await pull();
    expect(result).toMatchObject({ failed: 0, alreadyThere: 5 });
  });

  it('reports an object whose sha256 metadata disagrees with the tracking row, and a DONE row whose object is gone', async () => {
    const runId = '2026-11-23-pull02';
    const more = await seedRun(fx, runId, ['Q1', 'Q2', 'Q3']);
    const other = Buffer.from('%PDF-1.7 another document');
    await fx.resources.clients.s3.send(
      new PutObjectCommand({ Bucket: fx.resources.bucket, Key: S3Keys.pdf(runId, 'Q1.pdf'), Body: other, Metadata: { sha256: sha256(other) } }),
    );
    await fx.resources.clients.s3.send(new DeleteObjectCommand({ Bucket: fx.resources.bucket, Key: S3Keys.pdf(runId, 'Q2.pdf') }));
    const to = join(dir, runId);
    const result = await pullRun({ ctx, runId, dir: to, concurrency: 4 });
    expect(result.errors).toEqual([
      { ref: 'Q1', message: expect.stringMatching(/Q1\.pdf: its sha256 metadata [0-9a-f]{12}\.\.\. differs from the tracking row's/) },
      { ref: 'Q2', message: expect.stringMatching(/Q2\.pdf is missing from the bucket though its row is DONE/) },
    ]);
    expect(readdirSync(to)).toEqual(['Q3.pdf']);
    expect(readFileSync(join(to, 'Q3.pdf')).equals(more.get('Q3')!)).toBe(true);
  });

  it('refuses a tracking row whose file name would leave the folder or the S3 prefix', async () => {
    const runId = '2026-11-23-pull03';
    await seedRun(fx, runId, ['OK1']);
    const db = documentClient(fx.resources.clients.dynamodb);
    await db.send(
      new PutCommand({
        TableName: fx.resources.trackingTable,
        Item: { runId, ref: 'X1', file: '../../escape.pdf', status: 'DONE', attempts: 1, updatedAt: Date.now(), sha256: sha256('x'), storageKey: 'x' },
      }),
    );
    const to = join(dir, runId);
    const result = await pullRun({ ctx, runId, dir: to, concurrency: 2 });
    expect(result.errors).toEqual([{ ref: 'X1', message: expect.stringMatching(/file name "\.\.\/\.\.\/escape\.pdf" .*is not one fleetpdf makes/) }]);
    expect(readdirSync(to)).toEqual(['OK1.pdf']);
    expect(readdirSync(dir)).not.toContain('escape.pdf');
  });

  it('writes awkward refs under the file names the run gave them (as the local run names them), inside the folder', async () => {
    const runId = '2026-11-23-pull04';
    const refs = ['../../escape', 'STK-0007/B', ' STK 0099 ', 'STK-0150\u00c4', 'CON'];
    const seeded = await seedRun(fx, runId, refs);
    const to = join(dir, runId);
    const result = await pullRun({ ctx, runId, dir: to, concurrency: 2 });
    expect(result).toMatchObject({ downloaded: refs.length, failed: 0 });
    const names = assignFileNames(refs);
    expect(readdirSync(to).sort()).toEqual([...names.values()].sort());
    for (const ref of refs) expect(readFileSync(join(to, names.get(ref)!)).equals(seeded.get(ref)!), ref).toBe(true);
    expect(readdirSync(dir)).not.toContain('escape.pdf');
  });

  it('stops at the first failure that is the same for every file (a bucket that is gone), in one line', async () => {
    const resources = fx.resources;
    fx.cloudformation.putStack({
      name: 'GoneBucket',
      outputs: { BucketName: 'fleetpdf-no-such-bucket', StateMachineArn: fx.stateMachineArn, TrackingTableName: resources.trackingTable },
    });
    const gone = await openOps({ stackName: 'GoneBucket' });
    try {
      const error = await pullRun({ ctx: gone, runId: RUN, dir: join(dir, 'gone'), concurrency: 2 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/^a resource of the stack is missing \(NoSuchBucket: .*\): check --stack \/ --region, or redeploy/);
      expect(readdirSync(join(dir, 'gone'))).toEqual([]);
    } finally {
      gone.close();
    }
  });

  it('returns an empty result for a run with no tracking rows (the caller decides: unknown or not started)', async () => {
    const result = await pullRun({ ctx, runId: 'no-such-run', dir: join(dir, 'none'), concurrency: 2 });
    expect(result).toMatchObject({ total: 0, downloaded: 0, errors: [] });
    expect(Object.values(result.counts).every((n) => n === 0)).toBe(true);
  });
});
