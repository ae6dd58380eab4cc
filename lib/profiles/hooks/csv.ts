/** RFC 4180: quote a field holding a comma, a quote, a line break or edge spaces. */
function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Rows as CSV text. Hooks that read the inventory from HTML return this rather than
 * vehicles: the core then parses it like an export, so the same ref checks, duplicate checks
 * and the profile's `validate` apply, and the run folder keeps an `inventory.csv`.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}
