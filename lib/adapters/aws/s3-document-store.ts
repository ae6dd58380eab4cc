import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { InputError, VehicleFailedError } from '../../core/errors.js';
import type { DocumentStore } from '../../core/ports.js';
import { validateRef } from '../../core/portal/inventory-csv.js';
import { PDF_CONTENT_TYPE, RunIdSchema, S3Keys, SHA256_METADATA_KEY } from '../../contracts/index.js';
import { awsErrorName } from './aws-errors.js';
import type { S3DocumentStoreOptions, StoredPdf } from './types.js';

const PDF_SUFFIX = '.pdf';

/**
 * Verified PDFs as `runs/<runId>/pdfs/<ref>.pdf` in the PDF bucket, with `ContentType:
 * application/pdf`, the sha256 (hex) as user metadata `sha256`, and `ChecksumSHA256` so S3
 * refuses a body that does not match it. A PutObject is atomic: a reader sees the whole old
 * object, the whole new one, or none. Refs and run ids are checked before they become keys
 * (the inventory rules of validateRef; a run id as RunIdSchema allows), so no key can
 * leave `runs/<runId>/pdfs/`.
 */
export class S3DocumentStore implements DocumentStore {
  readonly bucket: string;
  readonly #s3: S3Client;
  readonly #checksum: boolean;

  constructor(options: S3DocumentStoreOptions) {
    this.bucket = options.bucket;
    this.#s3 = options.client;
    this.#checksum = options.checksum ?? true;
  }

  keyFor(runId: string, ref: string): string {
    assertSafeRunId(runId);
    assertSafeRef(ref);
    return S3Keys.pdf(runId, ref);
  }

  async put(runId: string, ref: string, bytes: Buffer, sha256: string): Promise<string> {
    const key = this.keyFor(runId, ref);
    const digest = createHash('sha256').update(bytes).digest();
    if (digest.toString('hex') !== sha256.toLowerCase()) {
      // A caller bug, never a portal problem: refuse rather than store a hash that lies.
      throw new Error(`sha256 given for ${key} does not match its ${bytes.length} bytes`);
    }
    await this.#s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: PDF_CONTENT_TYPE,
        ContentLength: bytes.length,
        Metadata: { [SHA256_METADATA_KEY]: digest.toString('hex') },
        ...(this.#checksum ? { ChecksumSHA256: digest.toString('base64') } : {}),
      }),
    );
    return key;
  }

  async get(runId: string, ref: string): Promise<Buffer | undefined> {
    const bytes = await this.getObject(this.keyFor(runId, ref));
    return bytes?.body;
  }

  /** Any object of the bucket with its metadata, or undefined when there is no such key. */
  async getObject(key: string): Promise<{ body: Buffer; contentType?: string; metadata: Record<string, string> } | undefined> {
    try {
      const out = await this.#s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) return undefined;
      const result: { body: Buffer; contentType?: string; metadata: Record<string, string> } = {
        body: Buffer.from(await out.Body.transformToByteArray()),
        metadata: out.Metadata ?? {},
      };
      if (out.ContentType !== undefined) result.contentType = out.ContentType;
      return result;
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
      throw error;
    }
  }

  /** A report, manifest or any other text under `runs/`. Returns the key. */
  async putText(key: string, body: string, contentType: string): Promise<string> {
    if (!key.startsWith('runs/') || key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      throw new InputError(`refusing to write S3 key ${JSON.stringify(key.slice(0, 120))}: not a plain key under runs/`);
    }
    await this.#s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
    return key;
  }

  /** Every PDF stored for a run (ListObjectsV2, paginated), in key order. */
  async listPdfs(runId: string): Promise<StoredPdf[]> {
    assertSafeRunId(runId);
    // `runs/<runId>/pdfs/`, derived from the contract's key so the two cannot drift apart.
    const prefix = S3Keys.pdf(runId, '').slice(0, -PDF_SUFFIX.length);
    const pdfs: StoredPdf[] = [];
    let token: string | undefined;
    do {
      const out = await this.#s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of out.Contents ?? []) {
        const key = object.Key;
        if (!key?.endsWith(PDF_SUFFIX)) continue;
        const ref = key.slice(prefix.length, -PDF_SUFFIX.length);
        if (ref === '' || ref.includes('/')) continue;
        const pdf: StoredPdf = { ref, key, size: object.Size ?? 0 };
        if (object.LastModified) pdf.lastModified = object.LastModified;
        pdfs.push(pdf);
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return pdfs;
  }
}

function assertSafeRef(ref: string): void {
  const problem = ref !== ref.trim() ? `unsafe ref ${JSON.stringify(ref.slice(0, 70))}: surrounding whitespace` : validateRef(ref);
  if (problem) throw new VehicleFailedError(`${problem}; it cannot be an S3 key`, 'unsafe_ref');
}

function assertSafeRunId(runId: string): void {
  if (!RunIdSchema.safeParse(runId).success) {
    throw new InputError(`run id ${JSON.stringify(runId.slice(0, 80))} cannot be an S3 prefix (letters, digits, ".", "_" and "-" only, at most 64)`);
  }
}
