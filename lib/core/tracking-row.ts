import type { TrackingRow } from './ports.js';

type RequiredField = 'runId' | 'ref' | 'status' | 'attempts' | 'updatedAt';
/** A row as a store holds it: the optional fields may be missing, undefined or null. */
export type StoredRowFields = Pick<TrackingRow, RequiredField> & {
  [K in Exclude<keyof TrackingRow, RequiredField>]?: TrackingRow[K] | null;
};

const OPTIONAL_FIELDS = ['file', 'vin', 'bytes', 'sha256', 'storageKey', 'lastError', 'errorReason', 'workerId', 'startedAt', 'finishedAt'] as const;

/**
 * The port's view of a stored row, the same from every adapter: a fresh object whose optional
 * fields are left out rather than undefined or null, so rows compare cleanly in tests and JSON.
 */
export function trackingRow(fields: StoredRowFields): TrackingRow {
  const row: TrackingRow = { runId: fields.runId, ref: fields.ref, status: fields.status, attempts: fields.attempts, updatedAt: fields.updatedAt };
  for (const name of OPTIONAL_FIELDS) {
    const value = fields[name];
    if (value !== undefined && value !== null) (row as unknown as Record<string, unknown>)[name] = value;
  }
  return row;
}
