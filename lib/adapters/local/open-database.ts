import { accessSync, closeSync, constants as fsConstants, mkdirSync, openSync, readSync, statSync } from 'node:fs';
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
  assertWalReadable(join(outDir, `${DB_FILE_NAME}-wal`), displayPath);

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

/** The WAL header's magic numbers (big-endian; the low bit says the checksum byte order) and format version. */
const WAL_MAGIC = new Set([0x377f0682, 0x377f0683]);
const WAL_VERSION = 3007000;
const WAL_HEADER_BYTES = 32;

/**
 * After a crash the newest commits live only in `fleetpdf.db-wal`. SQLite silently ignores
 * (and then resets) a WAL whose header is damaged: the run would look like it never
 * happened and start again from nothing. So check the header first and refuse, touching
 * nothing, when it is not a WAL's. An empty WAL (checkpointed, or never written) is fine.
 */
export function assertWalReadable(walPath: string, displayPath: string): void {
  const size = statSync(walPath, { throwIfNoEntry: false })?.size ?? 0;
  if (size === 0) return;
  const header = Buffer.alloc(WAL_HEADER_BYTES);
  let read = 0;
  const fd = openSync(walPath, 'r');
  try {
    read = readSync(fd, header, 0, WAL_HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  const valid = read === WAL_HEADER_BYTES && WAL_MAGIC.has(header.readUInt32BE(0)) && header.readUInt32BE(4) === WAL_VERSION;
  if (valid) return;
  throw new InputError(
    `tracking database ${displayPath}: its write-ahead log ${displayPath}-wal is damaged (bad header), so the latest progress cannot be read; ` +
      'nothing was changed: restore both files from a backup, or move them aside to start over (the PDFs already downloaded stay in their run folder)',
  );
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
