import { duration, thousands } from './format.js';
import type { RunReport } from './types.js';

/** A short plain-ASCII summary of a run for the terminal (8 to 11 lines). */
export function formatSummary(report: RunReport): string {
  const r = report;
  const downloadable = r.total_inventory - r.skipped;
  // Under --limit the vehicles left out are neither in the total nor skipped; say so.
  const selected = r.selection ? ` (--limit ${r.selection.limit} of ${r.selection.inventory} in the inventory)` : '';
  const state = r.status === 'completed' ? 'completed' : `${r.status}${r.stop_reason ? ` (${r.stop_reason})` : ''}`;
  const lines = [
    `Run ${r.runId} (${r.profile}): ${state}`,
    `Done ${r.succeeded} of ${r.total_inventory}, failed ${r.failed}, skipped ${r.skipped}` +
      (r.pending.length ? `, not finished ${r.pending.length}` : '') +
      selected,
    `Success rate ${(r.success_rate * 100).toFixed(1)}% of ${downloadable} downloadable`,
    `Runtime ${duration(r.runtime_seconds)}, ${thousands(Math.round(r.throughput_per_hour))} vehicles finished per hour, ` +
      `${r.wall_seconds_per_finished_vehicle.toFixed(2)} s wall time per finished vehicle with ${r.workers} workers ` +
      `(attempt time p50 ${r.p50_seconds.toFixed(1)} s, p95 ${r.p95_seconds.toFixed(1)} s)`,
    `Retries ${r.retries}, session refreshes ${r.session_refreshes}, browser restarts ${r.browser_restarts}`,
    `Wrong documents rejected ${r.wrong_documents_rejected}, duplicates ${r.duplicates}, peak memory ${Math.round(r.peak_rss_mb)} MB`,
  ];
  const reasons = topCounts(r.failures.map((f) => f.reason), 3);
  if (reasons) lines.push(`Failures: ${reasons}`);
  const skips = topCounts(r.skipped_refs.map((s) => skipKind(s.reason)), 3);
  if (skips) lines.push(`Skipped: ${skips}`);
  lines.push(`Files: ${r.output}`);
  return lines.map(ascii).join('\n');
}

function topCounts(values: string[], n: number): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, n).map(([v, c]) => `${v} x${c}`);
  if (sorted.length > n) shown.push(`${sorted.length - n} more`);
  return shown.join(', ');
}

/**
 * Skip reasons name the line and the row (`line 52: duplicate ref, first on line 7`,
 * `line 9: invalid VIN "X"`, `line 3: unsafe ref "a": contains...`); group by their kind:
 * `duplicate ref`, `invalid VIN`, `unsafe ref`.
 */
export function skipKind(reason: string): string {
  const what = reason.replace(/^line \d+:\s*/, '');
  return what.replace(/\s*([",:(].*|of line \d+.*)$/, '').trim() || what;
}

/** Refs, reasons and paths come from outside: keep the summary plain ASCII on any terminal. */
function ascii(line: string): string {
  return line
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '?');
}
