import type { TrackingRow } from '../ports.js';
import { VehicleStatus } from '../types.js';
import { compareRefs } from './build-report.js';

const HEADER = ['ref', 'status', 'bytes', 'sha256', 'attempts', 'error'];

/** manifest.csv: one line per ref, ordered by ref: `ref,status,bytes,sha256,attempts,error`. */
export function manifestCsv(rows: TrackingRow[]): string {
  const lines = [HEADER.join(',')];
  for (const row of [...rows].sort((a, b) => compareRefs(a.ref, b.ref))) {
    const done = row.status === VehicleStatus.DONE;
    lines.push(
      [
        row.ref,
        row.status,
        done && row.bytes !== undefined ? String(row.bytes) : '',
        done ? (row.sha256 ?? '') : '',
        String(row.attempts),
        // A DONE row may keep the error of an earlier attempt; the manifest shows it for the others only.
        done ? '' : (row.lastError ?? ''),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** RFC 4180: quote fields with a quote, comma, line break or surrounding space; double the quotes. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
