import type { ScenarioResult } from './types.js';

const COLUMNS = ['scenario', 'vehicles', 'done', 'failed (top reason)', 'in DLQ', 'lost', 'duplicates', 'wrong', 'wall s', 'result'] as const;

function cells(r: ScenarioResult): string[] {
  const failed = r.failed === 0 ? '0' : `${r.failed} (${r.topFailReason ?? 'NO REASON'})`;
  return [
    r.scenario,
    String(r.vehicles),
    String(r.done),
    failed,
    String(r.inDlq),
    String(r.lost),
    String(r.duplicates),
    String(r.wrong),
    r.wallSeconds.toFixed(1),
    r.ok ? 'ok' : 'FAIL',
  ];
}

/** A plain-ASCII table, one row per scenario, then notes and problems. */
export function formatTable(results: ScenarioResult[], notRun: string[]): string {
  const rows = [COLUMNS.slice() as string[], ...results.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const fmt = (row: string[]) => `| ${row.map((c, i) => (i === 0 || i === 3 || i === 9 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [line, fmt(rows[0]!), line, ...rows.slice(1).map(fmt), line];
  for (const r of results) {
    const notes = Object.entries(r.notes)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    out.push(`${r.scenario}: ${notes}`);
    for (const p of r.problems) out.push(`  ! ${p}`);
  }
  for (const n of notRun) out.push(`TODO not run: ${n}`);
  return out.join('\n');
}
