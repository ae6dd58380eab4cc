import { timelineChart, workersChart } from './charts.js';
import { duration } from './format.js';
import { clip, esc, num } from './html.js';
import type { FailureEntry, RunReport } from './types.js';

/** A run of 100k vehicles can fail thousands: the page lists this many, manifest.csv has them all. */
const MAX_FAILED_ROWS = 1000;

// Nothing may leave the page: no scripts at all, styles and images inline only.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/**
 * report.html: one self-contained page (inline CSS and SVG, no script, no fonts, nothing
 * fetched) with the headline numbers, throughput over time, per-worker bars, the failure
 * reasons and the failed refs. Pure: the same report gives the same bytes.
 */
export function renderReportHtml(report: RunReport): string {
  const r = report;
  const title = `fleetpdf run ${clip(r.runId, 80)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${header(r)}
${cards(r)}
${outcomeBar(r)}
<section id="throughput">
<h2>Throughput over time</h2>
<p class="caption">Vehicles finished per ${esc(bucketLabel(r))} since the run started.
${legend([['ok', 'done'], ['bad', 'failed'], ['avg', 'average done']])}</p>
${timelineChart(r.timeline, r.throughput_per_hour)}
</section>
<section id="workers">
<h2>Per worker</h2>
<p class="caption">Vehicles each worker finished. ${legend([['ok', 'done'], ['bad', 'failed']])}</p>
${workersChart(r.per_worker)}
</section>
<section id="failure-reasons">
<h2>Failure reasons</h2>
${failureReasons(r)}
</section>
<section id="failed-refs">
<h2>Failed vehicles</h2>
${failedRefs(r)}
</section>
<section id="details">
<h2>More numbers</h2>
${details(r)}
</section>
<footer>Made by fleetpdf from report.json; every vehicle with its status, size and sha256 is in manifest.csv.</footer>
</main>
</body>
</html>
`;
}

function header(r: RunReport): string {
  const stop = r.stop_reason ? `<p class="stop">Stopped early: <span data-field="stop_reason">${esc(r.stop_reason)}</span></p>` : '';
  return `<header>
<p class="brand">fleetpdf run report</p>
<h1>Run <span data-field="runId">${esc(r.runId)}</span> <span class="badge ${statusClass(r)}" data-metric="status">${esc(r.status)}</span></h1>
<p class="meta"><span data-field="profile">${esc(r.profile)}</span> \u00b7 ${esc(when(r.started_at))} \u2192 ${esc(when(r.finished_at))} \u00b7 <span data-field="output">${esc(r.output)}</span></p>
${stop}</header>`;
}

function cards(r: RunReport): string {
  const local = r.in_dlq === undefined;
  return `<div class="cards">
${card('Vehicles', 'total_inventory', num(r.total_inventory), '', 'in the inventory')}
${card('Succeeded', 'succeeded', num(r.succeeded), '', `${pct(r.success_rate)} of downloadable`, 'ok')}
${card('Failed', 'failed', num(r.failed), '', 'after every attempt', r.failed > 0 ? 'bad' : '')}
${card('Skipped', 'skipped', num(r.skipped), '', 'refused by the inventory check')}
${card('In DLQ', 'in_dlq', local ? '\u2013' : num(r.in_dlq), '', local ? 'local run: no DLQ' : 'dead-letter queue', !local && Number(r.in_dlq) > 0 ? 'bad' : '')}
${card('Wall time', 'runtime_seconds', esc(typeof r.runtime_seconds === 'number' ? duration(r.runtime_seconds) : '\u2013'), '', `${num(r.workers)} workers`)}
${card('Finished per hour', 'throughput_per_hour', num(r.throughput_per_hour), '/h', `${num(r.wall_seconds_per_finished_vehicle)} s wall time per finished vehicle`)}
${card('p50 per vehicle', 'p50_seconds', num(r.p50_seconds), ' s', 'median download time')}
${card('p95 per vehicle', 'p95_seconds', num(r.p95_seconds), ' s', '95th percentile')}
${card('Wrong documents', 'wrong_documents_rejected', num(r.wrong_documents_rejected), '', 'rejected, never stored')}
${card('Retries', 'retries', num(r.retries), '', 'attempts after a failure')}
${card('Re-logins', 'session_refreshes', num(r.session_refreshes), '', 'after the first login')}
</div>`;
}

/** `value` is HTML already escaped by its caller; label, unit and sub are constants or escaped here. */
function card(label: string, metric: string, value: string, unit: string, sub: string, tone = ''): string {
  const u = unit ? `<span class="unit">${esc(unit)}</span>` : '';
  return `<div class="card ${tone}"><div class="label">${esc(label)}</div><div class="value"><span data-metric="${esc(metric)}">${value}</span>${u}</div><div class="sub">${esc(sub)}</div></div>`;
}

/** Where every inventory row ended, as one bar that adds up to the inventory. */
function outcomeBar(r: RunReport): string {
  const total = Math.max(1, Number(r.total_inventory) || 0);
  const pending = Array.isArray(r.pending) ? r.pending.length : 0;
  const parts: Array<[string, string, number]> = [
    ['ok', 'done', r.succeeded],
    ['bad', 'failed', r.failed],
    ['skip', 'skipped', r.skipped],
    ['pending', 'not finished', pending],
  ];
  const bars = parts
    .filter(([, , n]) => Number(n) > 0)
    .map(([cls, label, n]) => `<span class="${cls}" style="width:${((Number(n) / total) * 100).toFixed(2)}%" title="${esc(`${n} ${label}`)}"></span>`)
    .join('');
  const keys = parts
    .filter(([cls, , n]) => cls !== 'pending' || Number(n) > 0)
    .map(([cls, label, n]) => `<span class="key"><i class="${cls}"></i>${esc(label)} ${num(n)}</span>`).join('');
  return `<div class="outcome"><div class="bar">${bars}</div><div class="keys">${keys}</div></div>`;
}

function failureReasons(r: RunReport): string {
  const groups = groupFailures(Array.isArray(r.failures) ? r.failures : []);
  if (groups.length === 0) return '<p class="empty">No vehicle failed.</p>';
  const total = groups.reduce((n, g) => n + g.count, 0);
  const rows = groups
    .map(
      (g) =>
        `<tr><td class="key-cell"><code>${esc(clip(g.reason, 40))}</code></td><td class="num" data-count>${num(g.count)}</td>` +
        `<td class="share"><span style="width:${((g.count / total) * 100).toFixed(1)}%"></span></td>` +
        `<td class="msg">${esc(clip(g.example, 200))}</td></tr>`,
    )
    .join('\n');
  return `<table class="reasons"><thead><tr><th>Reason</th><th class="num">Vehicles</th><th>Share</th><th>Example error</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

function failedRefs(r: RunReport): string {
  const failures = Array.isArray(r.failures) ? r.failures : [];
  if (failures.length === 0) return '<p class="empty">No vehicle failed.</p>';
  const shown = failures.slice(0, MAX_FAILED_ROWS);
  const rows = shown
    .map(
      (f) =>
        `<tr><td class="key-cell" title="${esc(clip(f.ref, 500))}"><code data-ref>${esc(clip(f.ref, 48))}</code></td>` +
        `<td class="key-cell"><code>${esc(clip(f.reason, 40))}</code></td>` +
        `<td class="num">${num(f.attempts)}</td><td class="msg" title="${esc(clip(f.error, 2000))}">${esc(clip(f.error, 300))}</td></tr>`,
    )
    .join('\n');
  const more =
    failures.length > shown.length
      ? `<p class="note">Showing the first ${num(shown.length)} of ${num(failures.length)}; report.json and manifest.csv list them all.</p>`
      : '';
  return `<table class="failed"><thead><tr><th>Ref</th><th>Reason</th><th class="num">Attempts</th><th>Last error</th></tr></thead>
<tbody>
${rows}
</tbody></table>${more}`;
}

function details(r: RunReport): string {
  const items: Array<[string, string]> = [
    ['Success rate', esc(pct(r.success_rate))],
    ['Attempted', num(r.attempted)],
    ['Not finished', num(Array.isArray(r.pending) ? r.pending.length : undefined)],
    ['Wall time per finished vehicle', `${num(r.wall_seconds_per_finished_vehicle)} s`],
    ['Wall time', `${num(r.runtime_seconds)} s`],
    ['Workers', num(r.workers)],
    ['Browser restarts', num(r.browser_restarts)],
    ['Duplicates', num(r.duplicates)],
    ['Peak memory', `${num(r.peak_rss_mb)} MB`],
  ];
  if (r.breaker_opens !== undefined) items.push(['Circuit breaker opens', num(r.breaker_opens)]);
  if (r.concurrency_lowest !== undefined) items.push(['Lowest concurrency', num(r.concurrency_lowest)]);
  if (r.direct_downloads !== undefined) items.push(['Direct downloads', num(r.direct_downloads)]);
  if (r.browser_downloads !== undefined) items.push(['Browser downloads', num(r.browser_downloads)]);
  if (r.direct_fallbacks !== undefined) items.push(['Direct fallbacks', num(r.direct_fallbacks)]);
  return `<dl>${items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
}

interface FailureGroup {
  reason: string;
  count: number;
  example: string;
}

/** Most frequent reason first; each with the first failed ref's message as an example. */
export function groupFailures(failures: FailureEntry[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const f of failures) {
    const reason = String(f.reason || 'unknown');
    const group = groups.get(reason) ?? { reason, count: 0, example: String(f.error ?? '') };
    group.count += 1;
    groups.set(reason, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
}

function legend(keys: Array<[string, string]>): string {
  return `<span class="legend">${keys.map(([cls, label]) => `<span class="key"><i class="${cls}"></i>${esc(label)}</span>`).join('')}</span>`;
}

/** Only known values become a class name; anything else from a foreign report.json is shown neutral. */
function statusClass(r: RunReport): string {
  if (r.status === 'completed') return r.failed > 0 ? 'warn' : 'ok';
  if (r.status === 'stopped') return 'warn';
  if (r.status === 'failed') return 'bad';
  return '';
}

function bucketLabel(r: RunReport): string {
  const s = r.timeline?.bucket_seconds;
  if (!s) return 'time bucket';
  return s < 60 ? `${s} s` : s < 3600 ? `${s / 60} min` : `${s / 3600} h`;
}

function pct(rate: unknown): string {
  return typeof rate === 'number' && Number.isFinite(rate) ? `${(rate * 100).toFixed(1)}%` : '\u2013';
}

/** `2026-01-05T10:00:00.000Z` -> `2026-01-05 10:00:00 UTC`; anything else as it is. */
function when(iso: unknown): string {
  const s = String(iso ?? '');
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s) ? `${s.slice(0, 10)} ${s.slice(11, 19)} UTC` : s;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9;color:#1d2329;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px 20px 40px}
header .brand{margin:0;color:#6b7480;font-size:12px;text-transform:uppercase;letter-spacing:.08em}
h1{margin:4px 0 6px;font-size:24px;font-weight:650;overflow-wrap:anywhere}
h2{margin:0 0 6px;font-size:16px;font-weight:650}
.meta{margin:0;color:#5a636e;overflow-wrap:anywhere}
.stop{margin:8px 0 0;color:#8a5a00}
.badge{display:inline-block;vertical-align:middle;margin-left:6px;padding:2px 10px;border-radius:999px;font-size:13px;font-weight:600;background:#e8eaed;color:#333}
.badge.ok{background:#dcf2e4;color:#1c6b3c}.badge.warn{background:#fdf0d5;color:#8a5a00}.badge.bad{background:#fbe0e0;color:#9b2222}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:20px 0 14px}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:10px 12px}
.card .label{color:#5a636e;font-size:12px}
.card .value{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums;white-space:nowrap}
.card .unit{font-size:14px;font-weight:500;color:#5a636e}
.card .sub{color:#7a838e;font-size:11.5px}
.card.ok .value{color:#1c6b3c}.card.bad .value{color:#b32d2d}
.outcome{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:12px;margin-bottom:14px}
.outcome .bar{display:flex;height:14px;border-radius:7px;overflow:hidden;background:#eef0f2}
.outcome .bar span{display:block;height:100%}
.keys{margin-top:8px}
.key{display:inline-flex;align-items:center;margin-right:14px;color:#4a535d;font-size:12.5px}
.key i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
.bar .ok,.key i.ok{background:#2f9e5b}.bar .bad,.key i.bad{background:#d64545}
.bar .skip,.key i.skip{background:#a6adb5}.bar .pending,.key i.pending{background:#e0b341}
.key i.avg{height:0;border-top:2px dashed #1f4e79;border-radius:0}
section{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:14px 16px;margin-bottom:14px}
.caption{margin:0 0 8px;color:#5a636e;font-size:12.5px}
.legend{margin-left:8px}
.chart{display:block;height:auto}
.chart text{font-size:11px;fill:#59626c;font-family:inherit}
.chart .grid{stroke:#eceef1}.chart .axis{stroke:#9aa2ab}.chart .track{fill:#f3f4f6}
.chart .avg{stroke:#1f4e79;stroke-width:1.5;stroke-dasharray:6 4}
table{width:100%;border-collapse:collapse;font-size:13px}
th{text-align:left;color:#5a636e;font-weight:600;border-bottom:1px solid #e1e4e8;padding:6px 8px}
td{border-bottom:1px solid #f0f1f3;padding:5px 8px;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.msg{color:#4a535d;overflow-wrap:anywhere;word-break:break-word}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.key-cell code{white-space:nowrap}
.share{width:140px}.share span{display:block;height:8px;margin-top:6px;border-radius:4px;background:#d64545;min-width:2px}
.empty,.note{color:#6b7480;margin:4px 0}
dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:6px 14px;margin:0}
dt{color:#6b7480;font-size:12px}dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
footer{color:#7a838e;font-size:12px;text-align:center;margin-top:18px}
`;
