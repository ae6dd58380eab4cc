/** One column of a plain-ASCII table: its title and which side its cells line up on. */
export interface Column {
  title: string;
  align?: 'left' | 'right';
}

/** A plain-ASCII table (`+---+` rules, `|` separators), numbers right-aligned by default. */
export function asciiTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: readonly string[], header = false) =>
    `| ${columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        return header || c.align === 'left' ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!);
      })
      .join(' | ')} |`;
  return [rule, line(columns.map((c) => c.title), true), rule, ...rows.map((r) => line(r)), rule].join('\n');
}

/** A number with fixed decimals, or '-' when there is none. */
export function fixed(value: number | undefined, decimals = 0): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(decimals);
}

/** A ratio as a whole percentage, or '-'. */
export function percent(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : `${Math.round(value * 100)}%`;
}

/** US dollars: cents for larger sums, more digits for the small ones. */
export function dollars(value: number): string {
  if (value >= 1) return `$${value.toFixed(2)}`;
  if (value >= 0.01) return `$${value.toFixed(3)}`;
  return `$${value.toFixed(4)}`;
}
