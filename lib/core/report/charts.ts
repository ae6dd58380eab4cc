import { clip, esc, num } from './html.js';
import type { PerWorkerStats, RunTimeline } from './types.js';

/** Inline SVG charts for report.html: no script, no fonts, nothing fetched. */

const W = 960;
const OK = '#2f9e5b';
const BAD = '#d64545';
const MAX_WORKER_ROWS = 50;

/** One decimal is plenty for coordinates and keeps the page small and stable. */
const f = (n: number): number => Math.round(n * 10) / 10;

/** Vehicles finished per bucket, DONE and FAILED stacked, with this session's average as a dashed line. */
export function timelineChart(timeline: RunTimeline | undefined, throughputPerHour: number): string {
  if (!timeline || !Array.isArray(timeline.succeeded) || !Array.isArray(timeline.failed)) {
    return '<p class="empty">This report.json has no timeline (written by an older fleetpdf).</p>';
  }
  const bucket = timeline.bucket_seconds > 0 ? timeline.bucket_seconds : 1;
  const n = timeline.succeeded.length;
  const totals = timeline.succeeded.map((s, i) => (Number(s) || 0) + (Number(timeline.failed[i]) || 0));
  const max = Math.max(0, ...totals);
  if (n === 0 || max === 0) return '<p class="empty">No vehicle finished in this session.</p>';

  const m = { l: 44, r: 24, t: 10, b: 26 };
  const H = 220;
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const step = niceStep(max / 4);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const y = (v: number): number => m.t + ph - (v / top) * ph;
  const bw = pw / n;
  const gap = bw > 6 ? 1.5 : 0;
  const parts: string[] = [];

  for (let v = 0; v <= top; v += step) {
    parts.push(`<line class="grid" x1="${m.l}" x2="${W - m.r}" y1="${f(y(v))}" y2="${f(y(v))}"/>`);
    parts.push(`<text class="tick" x="${m.l - 6}" y="${f(y(v) + 4)}" text-anchor="end">${num(v)}</text>`);
  }
  for (let i = 0; i < n; i++) {
    const s = Number(timeline.succeeded[i]) || 0;
    const fl = Number(timeline.failed[i]) || 0;
    if (s + fl === 0) continue;
    const x = f(m.l + i * bw + gap);
    const w = f(Math.max(1, bw - 2 * gap));
    const label = `${offset(i * bucket)}\u2013${offset((i + 1) * bucket)}: ${s} done, ${fl} failed`;
    parts.push(
      `<g><title>${esc(label)}</title>` +
        (s ? `<rect x="${x}" y="${f(y(s))}" width="${w}" height="${f(y(0) - y(s))}" fill="${OK}"/>` : '') +
        (fl ? `<rect x="${x}" y="${f(y(s + fl))}" width="${w}" height="${f(y(s) - y(s + fl))}" fill="${BAD}"/>` : '') +
        '</g>',
    );
  }
  const average = (throughputPerHour * bucket) / 3600;
  if (average > 0 && average <= top) {
    parts.push(`<line class="avg" x1="${m.l}" x2="${W - m.r}" y1="${f(y(average))}" y2="${f(y(average))}"/>`);
  }
  const every = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i <= n; i += every) {
    parts.push(`<text class="tick" x="${f(m.l + i * bw)}" y="${H - 8}" text-anchor="middle">${esc(offset(i * bucket))}</text>`);
  }
  parts.push(`<line class="axis" x1="${m.l}" x2="${W - m.r}" y1="${f(y(0))}" y2="${f(y(0))}"/>`);
  return svg(H, `Vehicles finished per ${offset(bucket)} since the run started`, parts);
}

/** One row per worker: DONE and FAILED stacked, then its tallies. */
export function workersChart(workers: PerWorkerStats[] | undefined): string {
  const list = Array.isArray(workers) ? workers : [];
  if (list.length === 0) return '<p class="empty">No per-worker numbers in this report.</p>';
  const shown = list.slice(0, MAX_WORKER_ROWS);
  const rowH = 22;
  const labelW = 150;
  const statsW = 300;
  const barW = W - labelW - statsW - 16;
  const max = Math.max(1, ...shown.map((w) => (Number(w.succeeded) || 0) + (Number(w.failed) || 0)));
  const H = shown.length * rowH + 4;
  const parts: string[] = [];
  shown.forEach((w, i) => {
    const s = Number(w.succeeded) || 0;
    const fl = Number(w.failed) || 0;
    const top = 2 + i * rowH;
    const sw = (s / max) * barW;
    const fw = (fl / max) * barW;
    parts.push(
      `<g><title>${esc(w.worker)}</title>` +
        `<text class="label" x="${labelW - 8}" y="${top + 15}" text-anchor="end">${esc(clip(w.worker, 22))}</text>` +
        `<rect class="track" x="${labelW}" y="${top + 3}" width="${barW}" height="${rowH - 6}"/>` +
        (s ? `<rect x="${labelW}" y="${top + 3}" width="${f(sw)}" height="${rowH - 6}" fill="${OK}"/>` : '') +
        (fl ? `<rect x="${f(labelW + sw)}" y="${top + 3}" width="${f(Math.max(1, fw))}" height="${rowH - 6}" fill="${BAD}"/>` : '') +
        `<text class="label" x="${labelW + barW + 12}" y="${top + 15}">` +
        `${num(s)} done \u00b7 ${num(fl)} failed \u00b7 ${num(w.retries)} retries \u00b7 ${num(w.busy_seconds)} s busy</text></g>`,
    );
  });
  const more = list.length > shown.length ? `<p class="note">${num(list.length - shown.length)} more workers not shown (see report.json).</p>` : '';
  return svg(H, 'Vehicles per worker', parts) + more;
}

function svg(height: number, label: string, parts: string[]): string {
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${esc(label)}">` +
    `${parts.join('')}</svg>`
  );
}

/** 1, 2 or 5 times a power of ten, at least `raw` (grid lines a reader can add up). */
function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const k of [1, 2, 5, 10]) if (k * p >= raw) return k * p;
  return 10 * p;
}

/** Seconds since the start as an axis label: `45s`, `2m`, `2m30s`, `1h05m`. */
export function offset(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s / 60}m`;
  const m = Math.floor((s % 3600) / 60);
  return m ? `${Math.floor(s / 3600)}h${String(m).padStart(2, '0')}m` : `${Math.floor(s / 3600)}h`;
}
