import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export interface CsvOptions {
  /** Line end. @default '\r\n' (RFC 4180) */
  eol?: '\r\n' | '\n';
  /**
   * For files people open in a spreadsheet (manifest.csv, the inventory copy): every cell goes
   * through neutraliseCell, so a ref like `=HYPERLINK(...)` is shown, never evaluated.
   * @default false (CSV another program parses back, e.g. a scraped inventory)
   */
  spreadsheetSafe?: boolean;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/**
 * OWASP's advice against CSV (formula) injection: a cell beginning with `=`, `+`, `-`, `@`, a
 * tab or a carriage return gets a leading `'` so spreadsheets show it as text; control characters
 * (NUL and the like), which no spreadsheet shows and some programs choke on, are removed.
 */
export function neutraliseCell(value: string): string {
  const clean = value.replace(CONTROL, '');
  return /^[=+\-@\t\r]/.test(clean) ? `'${clean}` : clean;
}

/**
 * Rows as RFC 4180 CSV text, one line each, every line ended: fields with a comma, a quote or a
 * line break are quoted (quotes doubled), and so are fields with edge spaces, which a reader
 * would otherwise trim.
 */
export function toCsv(rows: readonly (readonly string[])[], options: CsvOptions = {}): string {
  if (rows.length === 0) return '';
  const cells = options.spreadsheetSafe ? rows.map((row) => row.map(neutraliseCell)) : (rows as string[][]);
  return stringify(cells, {
    record_delimiter: options.eol === '\n' ? 'unix' : 'windows',
    quoted_match: /[\r\n]|^\s|\s$/,
  });
}

/**
 * A portal's CSV export as we keep a copy of it: the same rows, every cell neutralised. Text that
 * is not CSV at all is kept line by line, each line neutralised like a cell.
 */
export function spreadsheetSafeCopy(text: string): string {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true });
  } catch {
    return text
      .split(/\r?\n/)
      .map(neutraliseCell)
      .join('\n');
  }
  return toCsv(rows, { spreadsheetSafe: true });
}
