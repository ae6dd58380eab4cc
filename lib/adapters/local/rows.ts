import type { TrackingRow } from '../../core/ports.js';
import { trackingRow } from '../../core/tracking-row.js';
import type { VehicleStatus } from '../../core/types.js';
import type { RunStatus } from './constants.js';
import type { RunRecord } from './types.js';

/** A vehicles row as SQLite returns it. */
export interface VehicleRowDb {
  run_id: string;
  ref: string;
  /** Schema 2; NULL on rows tracked before (their name is fileNameFor(ref)). */
  file: string | null;
  vin: string | null;
  status: VehicleStatus;
  attempts: number;
  bytes: number | null;
  sha256: string | null;
  storage_key: string | null;
  last_error: string | null;
  error_reason: string | null;
  worker_id: string | null;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export interface RunRowDb {
  run_id: string;
  folder: string;
  profile: string;
  portal: string;
  created_at: number;
  finished_at: number | null;
  status: RunStatus;
  options_json: string;
}

/** A vehicles table row as the port's TrackingRow. */
export function toTrackingRow(row: VehicleRowDb): TrackingRow {
  return trackingRow({
    runId: row.run_id,
    ref: row.ref,
    file: row.file,
    status: row.status,
    attempts: row.attempts,
    updatedAt: row.updated_at,
    vin: row.vin,
    bytes: row.bytes,
    sha256: row.sha256,
    storageKey: row.storage_key,
    lastError: row.last_error,
    errorReason: row.error_reason,
    workerId: row.worker_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  });
}

export function toRunRecord(row: RunRowDb): RunRecord {
  const out: RunRecord = {
    runId: row.run_id,
    folder: row.folder,
    profile: row.profile,
    portal: row.portal,
    createdAt: row.created_at,
    status: row.status,
    options: parseOptions(row.options_json),
  };
  if (row.finished_at !== null) out.finishedAt = row.finished_at;
  return out;
}

function parseOptions(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
