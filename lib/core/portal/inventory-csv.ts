import { CsvError, parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';
import type { RejectedVehicle, Vehicle } from '../types.js';
import { isWellFormedVin, normalizeVin } from './vin.js';

/** CSV header names of the columns the run needs (PortalProfile.inventory.columns). */
export interface InventoryColumns {
  ref: string;
  vin?: string;
}

export interface ParseInventoryOptions {
  /** Portal-specific data check; a returned string is the reason to skip the vehicle. */
  validate?: (vehicle: Vehicle) => string | undefined;
}

export interface ParsedInventory {
  vehicles: Vehicle[];
  /** Rows that will not be downloaded, with the reason and line (they are reported as skipped). */
  rejected: RejectedVehicle[];
  /** Not fatal, worth telling the user (e.g. the VIN column is missing, so only refs are verified). */
  warnings: string[];
}

/**
 * The longest ref accepted. Not a file-name limit (names are cut and hashed, see
 * lib/core/file-name.ts) but the key's: a ref is the tracking table's sort key, which DynamoDB
 * caps at 1024 bytes (200 characters of at most 4 UTF-8 bytes fit), and the vehicle message
 * schema allows 200. No stock number comes near it.
 */
export const MAX_REF_LENGTH = 200;

/**
 * Any ref the portal uses can be downloaded (it is encoded for the URL, and the file name is
 * derived from it), so only refs that cannot be are refused: an empty (or blank) cell, one
 * longer than MAX_REF_LENGTH, and one with a control character, because the identity check
 * looks for the ref in the PDF's page text, which never holds one (and U+001F marks the
 * tracking keys of refused lines, see lib/core/row-key.ts). Returns the reason, or undefined.
 */
export function validateRef(ref: string): string | undefined {
  const shown = JSON.stringify(ref.length > 70 ? `${ref.slice(0, 67)}...` : ref);
  if (ref.trim().length === 0) return 'empty ref';
  if (ref.length > MAX_REF_LENGTH) return `unsafe ref ${shown}: longer than ${MAX_REF_LENGTH} characters (${ref.length})`;
  // C0, DEL and C1 controls (tab, CR and LF included: no page text holds them inside a ref).
  if (hasControlCharacter(ref)) return `unsafe ref ${shown}: contains a control character`;
  return undefined;
}

function hasControlCharacter(ref: string): boolean {
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/**
 * Parse an inventory export. Whole-file problems (empty, HTML instead of CSV, malformed CSV,
 * no ref column, no rows) throw InputError with one line naming the line; row problems (empty,
 * unsafe or duplicate ref, invalid VIN, the profile's own check) reject that row only. A ref
 * is the cell exactly as the CSV holds it once unquoted: ` STK 0099 ` keeps its spaces.
 */
export function parseInventoryCsv(text: string, columns: InventoryColumns, options: ParseInventoryOptions = {}): ParsedInventory {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new InputError('the inventory CSV is empty');
  const html = htmlPage(body);
  if (html !== undefined) {
    throw new InputError(
      `the portal sent an HTML page${html ? ` ("${html}")` : ''} instead of the inventory CSV (logged out, or an error page?)`,
    );
  }

  const delimiter = detectDelimiter(body);
  let records: string[][];
  try {
    records = parse(body, { delimiter, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw csvInputError(error, body);
  }
  const lines = recordLines(body, records);

  const header = records[0];
  if (!header) throw new InputError('the inventory CSV is empty');
  const key = (h: string) => h.replace(/[\s\uFEFF\u200B]+/g, '').toLowerCase();
  const names = header.map((h, i) => h.trim() || `column ${i + 1}`);
  const refIndex = header.findIndex((h) => key(h) === key(columns.ref));
  if (refIndex < 0) {
    const found = names.map((n) => JSON.stringify(n)).join(', ');
    throw new InputError(`the inventory CSV has no ${JSON.stringify(columns.ref)} column (found: ${found})`);
  }
  const warnings: string[] = [];
  const vinIndex = columns.vin === undefined ? -1 : header.findIndex((h) => key(h) === key(columns.vin!));
  if (columns.vin !== undefined && vinIndex < 0) {
    warnings.push(`the inventory CSV has no ${JSON.stringify(columns.vin)} column: documents are checked by ref only`);
  }
  if (records.length === 1) throw new InputError('the inventory CSV has a header but no vehicles');

  const vehicles: Vehicle[] = [];
  const rejected: RejectedVehicle[] = [];
  const firstLine = new Map<string, number>();
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    const line = lines[r]!;
    if (record.every((field) => field.trim() === '')) continue; // a row of bare delimiters
    const ref = record[refIndex] ?? '';
    const reject = (reason: string) => rejected.push({ ref, reason, line });

    const unsafe = validateRef(ref);
    if (unsafe) {
      reject(unsafe);
      continue;
    }
    // Exact: `ABC` and `abc` are two vehicles (their file names get hashes, see file-name.ts).
    const seen = firstLine.get(ref);
    if (seen !== undefined) {
      reject(`duplicate ref, first on line ${seen}`);
      continue;
    }
    firstLine.set(ref, line);

    const vehicle: Vehicle = { ref, line };
    const rawVin = vinIndex >= 0 ? (record[vinIndex] ?? '').trim() : '';
    if (rawVin) {
      if (!isWellFormedVin(rawVin)) {
        reject(`invalid VIN ${JSON.stringify(rawVin.slice(0, 40))}`);
        continue;
      }
      vehicle.vin = normalizeVin(rawVin);
    }
    const attributes: Record<string, string> = {};
    for (let i = 0; i < record.length; i++) {
      if (i === refIndex || i === vinIndex) continue;
      attributes[names[i] ?? `column ${i + 1}`] = record[i] ?? '';
    }
    vehicle.attributes = attributes;

    const invalid = options.validate?.(vehicle);
    if (invalid) {
      reject(invalid);
      continue;
    }
    vehicles.push(vehicle);
  }
  return { vehicles, rejected, warnings };
}

/**
 * The line each record starts on. csv-parse's `info` option gives record end lines at three
 * times the parse cost, so the lines come from a quote-aware scan, with `info` as the fallback
 * should the scan and csv-parse ever disagree on the records.
 */
function recordLines(body: string, records: string[][]): number[] {
  const starts: number[] = [];
  let line = 1;
  let atStart = true;
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const lineBreak = c === 10 || c === 13;
    if (lineBreak && c === 13 && body.charCodeAt(i + 1) === 10) i++;
    if (atStart) {
      if (lineBreak) {
        line++; // skipped empty line
        continue;
      }
      starts.push(line);
      atStart = false;
    }
    if (quoted) {
      if (c === 34) {
        if (body.charCodeAt(i + 1) === 34) i++;
        else quoted = false;
      } else if (lineBreak) line++;
    } else if (c === 34) {
      quoted = true;
    } else if (lineBreak) {
      line++;
      atStart = true;
    }
  }
  if (starts.length === records.length) return starts;
  const withInfo = parse(body, { delimiter: detectDelimiter(body), info: true, skip_empty_lines: true }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  // info.lines is where a record ends; quoted fields may span lines before it.
  return withInfo.map(({ record, info }) => info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0));
}

/** The title of an HTML page ('' when it has none), or undefined when the body is not HTML. */
function htmlPage(body: string): string | undefined {
  const start = body.trimStart().slice(0, 1024);
  if (!/^<(!doctype\s+html|html|head|body|!--|\?xml)/i.test(start) && !/<html[\s>]/i.test(start)) return undefined;
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body.slice(0, 64 * 1024))?.[1] ?? '';
  return title.replace(/[^\x20-\x7e]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80);
}

/** Comma unless the header line clearly uses semicolons or tabs (spreadsheet exports in some locales). */
function detectDelimiter(body: string): string {
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const count = (c: string) => firstLine.split(c).length - 1;
  const commas = count(',');
  const semicolons = count(';');
  const tabs = count('\t');
  if (tabs > commas && tabs >= semicolons) return '\t';
  if (semicolons > commas) return ';';
  return ',';
}

function csvInputError(error: unknown, body: string): InputError {
  if (!(error instanceof CsvError)) return new InputError(`the inventory CSV cannot be read: ${String(error)}`);
  const details = error as CsvError & { lines?: number };
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new InputError(`the inventory CSV has a quote opened on line ${unclosedQuoteLine(body)} that is never closed`);
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const got = /got (\d+)/.exec(error.message)?.[1];
      const expected = /expect (\d+)/.exec(error.message)?.[1];
      return new InputError(
        `the inventory CSV line ${details.lines ?? '?'} has ${got ?? 'a different number of'} fields, the header has ${expected ?? 'another number'}`,
      );
    }
    default:
      return new InputError(`the inventory CSV is malformed at line ${details.lines ?? '?'}: ${error.message.split(/\r?\n/)[0]}`);
  }
}

/** Line of the quote that opens a field never closed (csv-parse reports the end of the file). */
function unclosedQuoteLine(body: string): number {
  let line = 1;
  let openedAt = 1;
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\n') line++;
    else if (c === '"') {
      if (!quoted) openedAt = line;
      quoted = !quoted; // "" inside a quoted field toggles twice
    }
  }
  return quoted ? openedAt : line;
}
