import { toCsv } from '../csv.js';
import type { TrackingRow } from '../ports.js';
import { VehicleStatus } from '../types.js';
import { compareRefs } from './build-report.js';

const HEADER = ['ref', 'status', 'bytes', 'sha256', 'attempts', 'error'];

/** manifest.csv: one line per ref, ordered by ref: `ref,status,bytes,sha256,attempts,error`. */
export function manifestCsv(rows: TrackingRow[]): string {
  const lines = [...rows]
    .sort((a, b) => compareRefs(a.ref, b.ref))
    .map((row) => {
      const done = row.status === VehicleStatus.DONE;
      return [
        row.ref,
        row.status,
        done && row.bytes !== undefined ? String(row.bytes) : '',
        done ? (row.sha256 ?? '') : '',
        String(row.attempts),
        // A DONE row may keep the error of an earlier attempt; the manifest shows it for the others only.
        done ? '' : (row.lastError ?? ''),
      ];
    });
  return toCsv([HEADER, ...lines], { eol: '\n', spreadsheetSafe: true });
}
