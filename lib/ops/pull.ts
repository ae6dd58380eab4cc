import { documentName } from '../core/file-name.js';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { awsErrorName } from '../adapters/aws/aws-errors.js';
import { CriticalError, firstLine, type FleetPdfError } from '../core/errors.js';
import type { TrackingRow } from '../core/ports.js';
import { VehicleStatus } from '../core/types.js';
import { S3Keys, SHA256_METADATA_KEY } from '../contracts/index.js';
import { describeAwsFailure } from './aws-failures.js';
import type { OpsContext } from './context.js';
import { openTemp, removeTempFiles, writeFileAtomic } from '../system/atomic-file.js';
import { sha256OfFile } from './local-files.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The run's other files, fetched beside the PDFs when they exist (the run folder then looks like a local one). */
const RUN_FILES = [
  { name: 'report.json', key: S3Keys.report },
  { name: 'report.html', key: S3Keys.reportHtml },
  { name: 'manifest.csv', key: S3Keys.manifest },
] as const;

export interface PullProgress {
  /** DONE rows to pull. */
  total: number;
  downloaded: number;
  alreadyThere: number;
  failed: number;
  inFlight: number;
}

export interface PullResult extends PullProgress {
  runId: string;
  dir: string;
  /** Tracking rows of the run, by status (only DONE ones have a PDF). */
  counts: Record<VehicleStatus, number>;
  /** Downloads that replaced a local file whose sha256 did not match. */
  replaced: number;
  errors: { ref: string; message: string }[];
  /** Names of the run files (report.json, ...) written. */
  runFiles: string[];
}

export interface PullOptions {
  ctx: OpsContext;
  runId: string;
  dir: string;
  /** Downloads in flight at once. */
  concurrency: number;
  /** Called once the run's rows are read, before any download (with 0 rows: nothing follows). */
  onListed?: (counts: Record<VehicleStatus, number>) => void;
  onProgress?: (progress: PullProgress) => void;
}

/**
 * Download a run's PDFs: every DONE tracking row's `runs/<runId>/pdfs/<file name>` to
 * `<dir>/<file name>` (the row's file name, the one a local run writes), `concurrency` at once. Resumable: a local file whose sha256 equals the
 * row's recorded sha256 is kept. Each download is hashed while it streams to a temp file and
 * only renamed over the final name when it matches the recorded sha256 (and the object's
 * `sha256` metadata agrees); anything else is reported per ref and leaves the local file as it was.
 */
export async function pullRun(options: PullOptions): Promise<PullResult> {
  const { ctx, runId } = options;
  const dir = resolve(options.dir);
  const rows = await ctx.tracker.list(runId);
  const counts = Object.fromEntries(Object.values(VehicleStatus).map((s) => [s, 0])) as Record<VehicleStatus, number>;
  for (const row of rows) counts[row.status] += 1;
  const done = rows.filter((r) => r.status === VehicleStatus.DONE);
  const result: PullResult = {
    runId,
    dir,
    counts,
    total: done.length,
    downloaded: 0,
    alreadyThere: 0,
    failed: 0,
    inFlight: 0,
    replaced: 0,
    errors: [],
    runFiles: [],
  };
  options.onListed?.(counts);
  if (rows.length === 0) return result;
  await mkdir(dir, { recursive: true });
  await removeTempFiles(dir);
  const report = () => {
    const { total, downloaded, alreadyThere, failed, inFlight } = result;
    options.onProgress?.({ total, downloaded, alreadyThere, failed, inFlight });
  };
  report();

  const limit = pLimit(Math.max(1, options.concurrency));
  // Expired credentials, a denied bucket, a lost network: the same for every file, so the pull
  // stops at the first one (with one line) instead of listing it for each ref.
  let fatal: FleetPdfError | undefined;
  await Promise.all(
    done.map((row) =>
      limit(async () => {
        // Queued downloads after a fatal failure end at once (p-limit's clearQueue would leave their promises pending).
        if (fatal) return;
        result.inFlight += 1;
        try {
          const outcome = await pullOne(ctx, runId, row, dir);
          if (outcome === 'kept') result.alreadyThere += 1;
          else {
            result.downloaded += 1;
            if (outcome === 'replaced') result.replaced += 1;
          }
        } catch (error) {
          const failure = describeAwsFailure(error);
          if (failure instanceof CriticalError) fatal ??= failure;
          else {
            result.failed += 1;
            result.errors.push({ ref: row.ref, message: firstLine(error instanceof Error ? error.message : String(error)) });
          }
        } finally {
          result.inFlight -= 1;
          report();
        }
      }),
    ),
  );
  if (fatal) throw fatal;
  result.errors.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  result.runFiles = await pullRunFiles(ctx, runId, dir);
  return result;
}

/** One DONE row: kept (local copy matches), downloaded, or replaced (local copy differed). Throws a one-line reason. */
async function pullOne(ctx: OpsContext, runId: string, row: TrackingRow, dir: string): Promise<'kept' | 'downloaded' | 'replaced'> {
  // The run's own file names (the local run's names too); keyFor refuses a name or run id that
  // could leave runs/<runId>/pdfs/ (or, as a file name, the folder).
  const name = documentName(row);
  const key = ctx.documents.keyFor(runId, name);
  const path = join(dir, name.file);
  if (dirname(path) !== dir) throw new Error(`ref ${JSON.stringify(row.ref)} would land outside ${dir}`);
  const recorded = row.sha256?.toLowerCase();
  if (!recorded || !SHA256_HEX.test(recorded)) throw new Error(`the tracking row has no sha256 to check ${key} against`);

  const local = await sha256OfFile(path);
  if (local === recorded) return 'kept';
  await downloadVerified(ctx.clients.s3, ctx.documents.bucket, key, path, recorded);
  return local === undefined ? 'downloaded' : 'replaced';
}

/** Stream an object into a temp file while hashing it; rename it over `path` only if it is the recorded document. */
async function downloadVerified(s3: S3Client, bucket: string, key: string, path: string, recorded: string): Promise<void> {
  let out: GetObjectCommandOutput;
  try {
    out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (awsErrorName(error) === 'NoSuchKey') throw new Error(`${key} is missing from the bucket though its row is DONE`);
    throw error;
  }
  const metadata = out.Metadata?.[SHA256_METADATA_KEY]?.toLowerCase();
  if (metadata && metadata !== recorded) {
    (out.Body as Readable | undefined)?.destroy();
    throw new Error(`${key}: its sha256 metadata ${short(metadata)} differs from the tracking row's ${short(recorded)}`);
  }
  const temp = await openTemp(path);
  try {
    const hash = createHash('sha256');
    for await (const chunk of out.Body as Readable) {
      hash.update(chunk as Buffer);
      await temp.handle.write(chunk as Buffer);
    }
    const actual = hash.digest('hex');
    if (actual !== recorded) throw new Error(`${key} has sha256 ${short(actual)}, not the recorded ${short(recorded)}: not written (the object in S3 is damaged)`);
    await temp.commit();
  } catch (error) {
    await temp.discard();
    throw error;
  }
}

/** report.json, report.html and manifest.csv when the run has them (written atomically, not verified: no sha256 is recorded for them). */
async function pullRunFiles(ctx: OpsContext, runId: string, dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const file of RUN_FILES) {
    const object = await ctx.documents.getObject(file.key(runId));
    if (!object) continue;
    await writeFileAtomic(join(dir, file.name), object.body);
    written.push(file.name);
  }
  return written;
}

function short(sha: string): string {
  return `${sha.slice(0, 12)}...`;
}
