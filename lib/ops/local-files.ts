import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temp files are `.<name>.<12 hex>.part` beside their final name: hidden, and recognisable after a crash. */
const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.part$/;

/** sha256 (hex) of a file, or undefined when there is no such file. */
export async function sha256OfFile(path: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw error;
  }
  return hash.digest('hex');
}

/** A temp file beside `path`, created exclusively; `commit` fsyncs and renames it over `path`, `discard` removes it. */
export async function openTemp(path: string): Promise<{ handle: FileHandle; commit(): Promise<void>; discard(): Promise<void> }> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  const handle = await open(temp, 'wx');
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  return {
    handle,
    async commit() {
      // Without the fsync a power cut after the rename can leave an empty file under the final name.
      await handle.sync();
      await close();
      await rename(temp, path);
    },
    async discard() {
      await close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    },
  };
}

/** Write a whole file so that `path` only ever holds the old or the new content. */
export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  const temp = await openTemp(path);
  try {
    await temp.handle.writeFile(data);
    await temp.commit();
  } catch (error) {
    await temp.discard();
    throw error;
  }
}

/** Remove the temp files an interrupted pull left in `dir`. Returns how many. */
export async function removeStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!TEMP_FILE.test(name)) continue;
    await unlink(join(dir, name)).then(() => (removed += 1)).catch(() => undefined);
  }
  return removed;
}
