import { statSync } from 'node:fs';

/**
 * The PDFs, reports and tracking database are a business's documents: new files are created
 * owner-only (folders 0700, files 0600), SQLite's -wal/-shm included (it copies the database
 * file's mode). FLEETPDF_SHARED_FILES=1 keeps the user's umask instead (a folder shared with a
 * group on purpose).
 */
export function keepNewFilesPrivate(env: NodeJS.ProcessEnv = process.env): void {
  if (env.FLEETPDF_SHARED_FILES === '1') return;
  process.umask(0o077);
}

/** Whether users other than the owner may read the file (group or others have r). False if it is missing. */
export function readableByOthers(path: string): boolean {
  try {
    return (statSync(path).mode & 0o044) !== 0;
  } catch {
    return false;
  }
}
