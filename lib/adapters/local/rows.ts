import type { TrackingRow } from '../../core/ports.js';
import type { VehicleStatus } from '../../core/types.js';
import type { RunStatus } from './constants.js';
import type { RunRecord } from './types.js';

/** A vehicles row as SQLite returns it. */
export interface VehicleRowDb {
  run_id: string;
  ref: string;
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

/** Optional fields are left out rather than set to undefined, so rows compare cleanly in tests and JSON. */
export function toTrackingRow(row: VehicleRowDb): TrackingRow {
  const out: TrackingRow = { runId: row.run_id, ref: row.ref, status: row.status, attempts: row.attempts, updatedAt: row.updated_at };
  if (row.vin !== null) out.vin = row.vin;
  if (row.bytes !== null) out.bytes = row.bytes;
  if (row.sha256 !== null) out.sha256 = row.sha256;
  if (row.storage_key !== null) out.storageKey = row.storage_key;
  if (row.last_error !== null) out.lastError = row.last_error;
  if (row.error_reason !== null) out.errorReason = row.error_reason;
  if (row.worker_id !== null) out.workerId = row.worker_id;
  if (row.started_at !== null) out.startedAt = row.started_at;
  if (row.finished_at !== null) out.finishedAt = row.finished_at;
  return out;
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
