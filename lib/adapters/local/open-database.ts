import { accessSync, constants as fsConstants, mkdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import Database from 'better-sqlite3';
import { firstLine, InputError } from '../../core/errors.js';
import { DB_FILE_NAME, DEFAULT_BUSY_TIMEOUT_MS } from './constants.js';
import { migrate } from './schema.js';

export interface OpenedDatabase {
  db: Database.Database;
  /** The path as the user wrote it (`./output/fleetpdf.db`), for messages. */
  displayPath: string;
}

/** SQLite's answers for a file that is not (or no longer) a database. */
const NOT_A_DATABASE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Open (or create) `<outDir>/fleetpdf.db`, tuned for one writer process with many awaits:
 * WAL so readers never block the writer, synchronous=NORMAL (a power cut may lose the last
 * commits but never corrupts the file; a lost DONE only means one re-download).
 * Every way this can fail on user input becomes a one-line InputError; an existing file is
 * never deleted or rewritten here, whatever is in it.
 */
export function openDatabase(outDir: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): OpenedDatabase {
  const trimmed = outDir.replace(/[\\/]+$/, '');
  const displayPath = trimmed === '' ? DB_FILE_NAME : `${trimmed}${sep}${DB_FILE_NAME}`;
  ensureWritableDir(outDir);

  let db: Database.Database;
  try {
    db = new Database(join(outDir, DB_FILE_NAME), { timeout: busyTimeoutMs });
  } catch (error) {
    throw new InputError(`cannot open tracking database ${displayPath} (${reason(error)}); check that the output folder is writable`);
  }
  try {
    // The first read is where SQLite looks at the header: a text file or a truncated copy fails here.
    db.pragma('user_version', { simple: true });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db, displayPath);
    return { db, displayPath };
  } catch (error) {
    db.close();
    if (error instanceof InputError) throw error;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_A_DATABASE.has(code)) {
      throw new InputError(
        `tracking database ${displayPath} is not a valid SQLite database (${reason(error)}); move it aside to start fresh`,
      );
    }
    throw new InputError(`cannot use tracking database ${displayPath} (${reason(error)})`);
  }
}

/** Create the out dir and check that we may write there, before SQLite gives a vaguer answer. */
export function ensureWritableDir(dir: string): void {
  let isFile = false;
  try {
    isFile = statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false;
  } catch {
    // ENOTDIR and the like: mkdirSync below says so.
  }
  if (isFile) throw new InputError(`output folder ${dir} is a file, not a folder; choose another --out`);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, fsConstants.W_OK);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOTDIR' || code === 'EEXIST' ? ': part of its path is a file, not a folder' : '';
    throw new InputError(`output folder ${dir} is not writable (${reason(error)})${why}`);
  }
}

function reason(error: unknown): string {
  return firstLine(error instanceof Error ? error.message : String(error));
}
