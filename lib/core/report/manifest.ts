import { toCsv } from '../csv.js';
import { documentName } from '../file-name.js';
import { shownRef } from '../row-key.js';
import type { TrackingRow } from '../ports.js';
import { VehicleStatus } from '../types.js';
import { compareRefs } from './build-report.js';

const HEADER = ['ref', 'file', 'status', 'bytes', 'sha256', 'attempts', 'error'];

/**
 * manifest.csv: one line per inventory row, ordered by ref: `ref,file,status,bytes,sha256,attempts,error`.
 * `ref` is the portal's exact ref (spaces kept; CSV quoting as needed), `file` its document's
 * name in the run folder and under `runs/<runId>/pdfs/` (empty for a skipped line).
 */
export function manifestCsv(rows: TrackingRow[]): string {
  const lines = [...rows]
    .map((row) => ({ row, ref: shownRef(row.ref) }))
    .sort((a, b) => compareRefs(a.ref, b.ref) || compareRefs(a.row.ref, b.row.ref))
    .map(({ row, ref }) => {
      const done = row.status === VehicleStatus.DONE;
      const skipped = row.status === VehicleStatus.SKIPPED;
      return [
        ref,
        skipped ? '' : documentName(row).file,
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
