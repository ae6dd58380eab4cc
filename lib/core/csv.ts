import { stringify } from 'csv-stringify/sync';

export interface CsvOptions {
  /** Line end. @default '\r\n' (RFC 4180) */
  eol?: '\r\n' | '\n';
}

/**
 * Rows as RFC 4180 CSV text, one line each, every line ended: fields with a comma, a quote or a
 * line break are quoted (quotes doubled), and so are fields with edge spaces, which a reader
 * would otherwise trim.
 */
export function toCsv(rows: readonly (readonly string[])[], options: CsvOptions = {}): string {
  if (rows.length === 0) return '';
  return stringify(rows as string[][], {
    record_delimiter: options.eol === '\n' ? 'unix' : 'windows',
    quoted_match: /[\r\n]|^\s|\s$/,
  });
}
