import type { Database } from 'better-sqlite3';
import { InputError } from '../../core/errors.js';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` is the number applied so far.
 * Append new steps, never edit a released one: an existing fleetpdf.db must keep opening.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    run_id       TEXT PRIMARY KEY,
    folder       TEXT NOT NULL,
    profile      TEXT NOT NULL,
    portal       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    status       TEXT NOT NULL,
    options_json TEXT NOT NULL DEFAULT '{}'
  );
  CREATE TABLE vehicles (
    run_id           TEXT NOT NULL,
    ref              TEXT NOT NULL,
    vin              TEXT,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    available_at     INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_token      TEXT,
    lease_expires_at INTEGER,
    bytes            INTEGER,
    sha256           TEXT,
    storage_key      TEXT,
    last_error       TEXT,
    error_reason     TEXT,
    worker_id        TEXT,
    started_at       INTEGER,
    finished_at      INTEGER,
    duration_ms      INTEGER,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (run_id, ref)
  );
  -- lease(): the first PENDING row of a run by (available_at, ref); depth() and counts() use it too.
  CREATE INDEX vehicles_lease ON vehicles (run_id, status, available_at, ref);
  `,
  // 2: the document's file name beside the exact ref (lib/core/file-name.ts). Rows of older
  // runs keep NULL: their refs were all plain file names, so fileNameFor(ref) is their name.
  `
  ALTER TABLE vehicles ADD COLUMN file TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Bring the database up to SCHEMA_VERSION. Each step and its version bump commit together, and
 * the version is read again inside the write lock, so two processes opening a fresh file at
 * once do not both create the tables.
 */
export function migrate(db: Database, displayPath: string): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const found = version();
  if (found > SCHEMA_VERSION) {
    throw new InputError(
      `tracking database ${displayPath} was written by a newer fleetpdf (schema ${found}, this one knows ${SCHEMA_VERSION}); upgrade fleetpdf or move it aside`,
    );
  }
  for (;;) {
    const applied = db
      .transaction(() => {
        const current = version();
        if (current >= SCHEMA_VERSION) return false;
        db.exec(MIGRATIONS[current] as string);
        db.pragma(`user_version = ${current + 1}`);
        return true;
      })
      .immediate();
    if (!applied) return;
  }
}
