import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temp files are `.<name>.<12 hex>.part` beside their final name: hidden, and recognisable after a crash. */
const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.part$/;

/** Is this file name a temp file that an interrupted write left behind? */
export function isTempFile(name: string): boolean {
  return TEMP_FILE.test(name);
}

/** A new file beside `path` that becomes `path` on commit. */
export interface TempFile {
  handle: FileHandle;
  /** fsync, close and rename over `path`: a reader sees the old content or the whole new one. */
  commit(): Promise<void>;
  /** Close and remove it. */
  discard(): Promise<void>;
  /** Write `data`, then commit; on a failed write, discard and rethrow. */
  writeAndCommit(data: Buffer | string): Promise<void>;
}

/** A temp file beside `path`, created exclusively (ENOENT when the folder is missing). */
export async function openTemp(path: string): Promise<TempFile> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  const handle = await open(temp, 'wx');
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  const discard = async () => {
    await close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
  };
  const commit = async () => {
    try {
      // Without the fsync a power cut after the rename can leave an empty file under the final name.
      await handle.sync();
      await close();
      await rename(temp, path);
    } catch (error) {
      await discard();
      throw error;
    }
  };
  return {
    handle,
    commit,
    discard,
    async writeAndCommit(data) {
      try {
        await handle.writeFile(data);
      } catch (error) {
        await discard();
        throw error;
      }
      await commit();
    },
  };
}

/** Write a whole file so that `path` only ever holds the old or the new content. */
export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  await (await openTemp(path)).writeAndCommit(data);
}

/** Remove the temp files an interrupted write left in `dir`. Returns how many. */
export async function removeTempFiles(dir: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!isTempFile(name)) continue;
    await unlink(join(dir, name)).then(() => (removed += 1)).catch(() => undefined);
  }
  return removed;
}
