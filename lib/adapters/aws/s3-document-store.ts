import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { InputError } from '../../core/errors.js';
import { assertSafeFileName } from '../../core/file-name.js';
import type { DocumentName, DocumentStore } from '../../core/ports.js';
import { encodeRefMetadata, PDF_CONTENT_TYPE, REF_METADATA_KEY, RunIdSchema, S3Keys, SHA256_METADATA_KEY } from '../../contracts/index.js';
import { awsErrorName } from './aws-errors.js';
import type { S3DocumentStoreOptions, StoredPdf } from './types.js';

const PDF_SUFFIX = '.pdf';

/**
 * Verified PDFs as `runs/<runId>/pdfs/<file name>` in the PDF bucket (the run folder's names,
 * lib/core/file-name.ts), with `ContentType: application/pdf`, the sha256 (hex) as user
 * metadata `sha256`, the exact ref percent-encoded as user metadata `ref`, and
 * `ChecksumSHA256` so S3 refuses a body that does not match it. A PutObject is atomic: a
 * reader sees the whole old object, the whole new one, or none. File names and run ids are
 * checked before they become keys (isSafeFileName; a run id as RunIdSchema allows), so no key
 * can leave `runs/<runId>/pdfs/`.
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

  keyFor(runId: string, name: DocumentName): string {
    assertSafeRunId(runId);
    assertSafeFileName(name.file, name.ref);
    return S3Keys.pdf(runId, name.file);
  }

  async put(runId: string, name: DocumentName, bytes: Buffer, sha256: string): Promise<string> {
    const key = this.keyFor(runId, name);
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
        Metadata: { [SHA256_METADATA_KEY]: digest.toString('hex'), [REF_METADATA_KEY]: encodeRefMetadata(name.ref) },
        ...(this.#checksum ? { ChecksumSHA256: digest.toString('base64') } : {}),
      }),
    );
    return key;
  }

  async get(runId: string, name: DocumentName): Promise<Buffer | undefined> {
    const bytes = await this.getObject(this.keyFor(runId, name));
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
    const prefix = S3Keys.pdfPrefix(runId);
    const pdfs: StoredPdf[] = [];
    let token: string | undefined;
    do {
      const out = await this.#s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of out.Contents ?? []) {
        const key = object.Key;
        if (!key?.endsWith(PDF_SUFFIX)) continue;
        const file = key.slice(prefix.length);
        if (file === PDF_SUFFIX || file.includes('/')) continue;
        const pdf: StoredPdf = { file, key, size: object.Size ?? 0 };
        if (object.LastModified) pdf.lastModified = object.LastModified;
        pdfs.push(pdf);
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return pdfs;
  }
}

function assertSafeRunId(runId: string): void {
  if (!RunIdSchema.safeParse(runId).success) {
    throw new InputError(`run id ${JSON.stringify(runId.slice(0, 80))} cannot be an S3 prefix (letters, digits, ".", "_" and "-" only, at most 64)`);
  }
}
