import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PdfVerifier } from '../../lib/core/verify/index.js';
import type { DemoVehicle } from '../../lib/demo-portal/index.js';
import { assignFileNames } from '../../lib/core/file-name.js';

export interface InvariantInput {
  /** The --out folder (holds fleetpdf.db and the run folders). */
  outDir: string;
  inventory: DemoVehicle[];
  /** Times each ref was marked DONE in-process (onAttempt result 'done'), when known. */
  doneMarks?: Map<string, number>;
  /**
   * Refs that were DONE right after a kill, with the portal's pdfServed count for them at that
   * moment (the first kill they were DONE at); with `pdfServed`, the final counts. Any serve
   * after that is a re-download of a DONE ref.
   */
  doneBeforeKill?: Map<string, number>;
  pdfServed?: Record<string, number>;
}

export interface InvariantResult {
  runId?: string;
  folder?: string;
  done: number;
  failed: number;
  skipped: number;
  topFailReason?: string;
  failedWithoutReason: number;
  lost: number;
  duplicates: number;
  wrong: number;
  details: string[];
}

interface Row {
  ref: string;
  status: string;
  last_error: string | null;
  error_reason: string | null;
}

/**
 * The DESIGN.md invariants, measured from the tracking database, the run folder and the
 * portal's own counters: nothing lost, nothing stored or downloaded twice, nothing wrong stored.
 */
export async function checkInvariants(input: InvariantInput): Promise<InvariantResult> {
  const details: string[] = [];
  const result: InvariantResult = { done: 0, failed: 0, skipped: 0, failedWithoutReason: 0, lost: 0, duplicates: 0, wrong: 0, details };
  const dbPath = join(input.outDir, 'fleetpdf.db');
  let rows: Row[] = [];
  if (existsSync(dbPath)) {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const run = db.prepare(`SELECT run_id, folder FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1`).get() as
        | { run_id: string; folder: string }
        | undefined;
      if (run) {
        result.runId = run.run_id;
        result.folder = run.folder;
        rows = db.prepare(`SELECT ref, status, last_error, error_reason FROM vehicles WHERE run_id = ?`).all(run.run_id) as Row[];
      }
    } finally {
      db.close();
    }
  }
  const byRef = new Map(rows.map((r) => [r.ref, r]));
  const reasons = new Map<string, number>();
  for (const row of rows) {
    if (row.status === 'DONE') result.done += 1;
    else if (row.status === 'SKIPPED') result.skipped += 1;
    else if (row.status === 'FAILED') {
      result.failed += 1;
      const reason = row.error_reason?.trim();
      if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      else {
        result.failedWithoutReason += 1;
        details.push(`${row.ref}: FAILED without a reason (${row.last_error ?? 'no error'})`);
      }
    }
  }
  const top = [...reasons.entries()].sort((a, b) => b[1] - a[1])[0];
  if (top) result.topFailReason = `${top[0]} x${top[1]}`;

  const files = result.folder && existsSync(result.folder) ? readdirSync(result.folder) : [];
  const pdfs = new Set(files.filter((f) => f.toLowerCase().endsWith('.pdf') && !f.startsWith('.')));

  // Idle, its thread does not hold the process: an early throw below needs no finally.
  const verifier = new PdfVerifier();
  // The run's file names (lib/core/file-name.ts): `<ref>.pdf` for a plain ref.
  const names = assignFileNames(input.inventory.map((v) => v.ref));
  for (const vehicle of input.inventory) {
    const row = byRef.get(vehicle.ref);
    const file = names.get(vehicle.ref)!;
    const accounted =
      row !== undefined &&
      ((row.status === 'DONE' && pdfs.has(file)) || (row.status === 'FAILED' && Boolean(row.error_reason?.trim())) || row.status === 'SKIPPED');
    if (!accounted) {
      result.lost += 1;
      if (result.lost <= 5) details.push(`${vehicle.ref}: lost (status ${row?.status ?? 'missing'}${row?.status === 'DONE' ? ', no file' : ''})`);
    }
    if (pdfs.has(file) && result.folder) {
      try {
        await verifier.verify(readFileSync(join(result.folder, file)), { ref: vehicle.ref, vin: vehicle.vin });
      } catch (error) {
        result.wrong += 1;
        details.push(`${vehicle.ref}: stored PDF fails verification (${(error as Error).message})`);
      }
    }
  }

  await verifier.close();

  // A stored file that is not exactly one inventory ref's file name is a second copy of something.
  const expected = new Set(names.values());
  for (const file of pdfs) {
    if (!expected.has(file)) {
      result.duplicates += 1;
      details.push(`extra stored file ${file}`);
    }
  }
  for (const [ref, marks] of input.doneMarks ?? []) {
    if (marks > 1) {
      result.duplicates += marks - 1;
      details.push(`${ref}: marked DONE ${marks} times`);
    }
  }
  for (const [ref, servedAtKill] of input.doneBeforeKill ?? []) {
    const served = input.pdfServed?.[ref] ?? 0;
    if (served > servedAtKill) {
      result.duplicates += served - servedAtKill;
      details.push(`${ref}: DONE at a kill (served ${servedAtKill}x by then), served ${served - servedAtKill} more time(s) afterwards`);
    }
  }
  return result;
}

/** Refs currently DONE in the newest run of an --out folder's database (for kill scenarios). */
export function doneRefs(outDir: string): string[] {
  const dbPath = join(outDir, 'fleetpdf.db');
  if (!existsSync(dbPath)) return [];
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT ref FROM vehicles WHERE status = 'DONE'`).all() as { ref: string }[]).map((r) => r.ref);
  } finally {
    db.close();
  }
}
