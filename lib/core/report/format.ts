/** Number and duration formats shared by the terminal summary and report.html. */

/** `42.5 s` under a minute, else `3m 07s` or `1h 02m 03s`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${seconds.toFixed(1)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m ${rest}s` : `${m}m ${rest}s`;
}

/** `1234567` -> `1,234,567`; decimals are kept as they are (the report already rounded them). */
export function thousands(n: number): string {
  const [int = '', frac] = String(n).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** `42s`, `3m07s`, `1h02m`: rates and ETAs on a progress line; `-` when unknown. */
export function compactDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
