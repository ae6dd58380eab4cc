import { readdirSync, unlinkSync, type Dirent } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { storageFullIn, VehicleFailedError } from '../../core/errors.js';
import { assertSafeFileName } from '../../core/file-name.js';
import type { DocumentName, DocumentStore } from '../../core/ports.js';
import { isTempFile, openTemp, type TempFile } from '../../system/atomic-file.js';
import { DirectorySync } from './directory-sync.js';
import { assertSafeRunId } from './safe-name.js';

/**
 * Verified PDFs as `<outDir>/<runId>/<file name>` (lib/core/file-name.ts). A document is written to a dot-named temp
 * file (lib/system/atomic-file.ts), fsynced, then renamed over the final name: rename is atomic within a folder, so the
 * final name only ever holds a complete document, whatever crashes when. put() returns once
 * the rename itself is durable too (the folder fsynced, shared by concurrent puts): a
 * document the tracker then marks DONE is on disk.
 */
export class FsDocumentStore implements DocumentStore {
  readonly outDir: string;
  /** Run folders known to exist (a mkdir per document costs a syscall for nothing), with their fsync. */
  readonly #folders = new Map<string, DirectorySync>();

  constructor(outDir: string) {
    this.outDir = resolve(outDir);
  }

  keyFor(runId: string, name: DocumentName): string {
    assertSafeRunId(runId);
    assertSafeFileName(name.file, name.ref);
    return `${runId}/${name.file}`;
  }

  /** Absolute path of a document; refused if it would land anywhere but directly in the run folder. */
  pathFor(runId: string, name: DocumentName): string {
    assertSafeRunId(runId);
    assertSafeFileName(name.file, name.ref);
    const folder = join(this.outDir, runId);
    const path = resolve(folder, name.file);
    // isSafeFileName already rules out separators and dot names; this is the belt to those braces.
    if (dirname(path) !== folder) {
      throw new VehicleFailedError(`file name ${JSON.stringify(name.file)} resolves outside run folder ${folder}`, 'unsafe_ref');
    }
    return path;
  }

  async put(runId: string, name: DocumentName, bytes: Buffer, _sha256: string): Promise<string> {
    const path = this.pathFor(runId, name);
    const folder = dirname(path);
    try {
      await (await this.#openTemp(folder, path)).writeAndCommit(bytes);
      await this.#folders.get(folder)!.sync();
    } catch (error) {
      // ENOSPC/EDQUOT: a StorageFullError naming the folder stops the run (the temp file is already gone).
      throw storageFullIn(folder, error);
    }
    return this.keyFor(runId, name);
  }

  /** A temp file beside `path`, creating the run folder the first time (or again, if it was removed). */
  async #openTemp(folder: string, path: string): Promise<TempFile> {
    if (this.#folders.has(folder)) {
      try {
        return await openTemp(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    await mkdir(folder, { recursive: true });
    if (!this.#folders.has(folder)) this.#folders.set(folder, new DirectorySync(folder));
    return openTemp(path);
  }

  async get(runId: string, name: DocumentName): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathFor(runId, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  /** Remove temp files a crash left in a run folder (only this process writes there: see RunLock). Returns how many. */
  cleanTemp(runId: string): number {
    assertSafeRunId(runId);
    const folder = join(this.outDir, runId);
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    for (const entry of entries) {
      if (!entry.isFile() || !isTempFile(entry.name)) continue;
      try {
        unlinkSync(join(folder, entry.name));
        removed += 1;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return removed;
  }
}
