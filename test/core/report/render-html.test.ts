import { describe, expect, it } from 'vitest';
import { renderReportHtml, type RunReport } from '../../../lib/core/report/index.js';
import { fixtureReport } from './fixture-report.js';

const HOSTILE_REF = '<script>alert(1)</script>';
const HOSTILE_ERROR = `"><img src=x onerror=alert(2)><link rel=stylesheet href=//evil.example/x.css>`;

function hostileReport(): RunReport {
  const base = fixtureReport();
  return {
    ...base,
    runId: `<b>run</b>`,
    profile: `dealer"values'`,
    stop_reason: '<iframe src=//evil.example>',
    output: '/tmp/</title><script>x()</script>',
    status: '<svg onload=alert(3)>' as RunReport['status'],
    per_worker: [{ worker: '<image href=//evil.example/w.png>', succeeded: 1, failed: 1, retries: 0, busy_seconds: 1 }],
    failures: [
      { ref: HOSTILE_REF, reason: '<style>*{display:none}</style>', error: HOSTILE_ERROR, attempts: 3 },
      { ref: 'ok-1', reason: 'http_503', error: 'HTTP 503 \u0000 on x', attempts: 3 },
    ],
    failed: 2,
  };
}

describe('renderReportHtml', () => {
  it('is one self-contained page: inline style, a CSP that blocks every fetch, no script', () => {
    const html = renderReportHtml(fixtureReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=|href=/i);
    expect(html.match(/<svg /g)).toHaveLength(2);
  });

  it('escapes every string from the report: refs, reasons, errors, worker names, ids and paths', () => {
    const html = renderReportHtml(hostileReport());
    // Only our own tags survive: nothing the report carried became markup.
    expect(html).not.toMatch(/<(script|img|iframe|link|image|b>)/i);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html.match(/<svg /g)).toHaveLength(2);
    // Escaped text may say `src=`; no tag of the page may carry such an attribute (values are quoted, quotes escaped).
    const tags = (html.match(/<[a-z][^>]*>/gi) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));
    expect(tags.filter((t) => /\s(src|href|on\w+)=/i.test(t))).toEqual([]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('dealer&quot;values&#39;');
    expect(html).toContain('&lt;image href=//evil.example/w.png&gt;');
    expect(html).not.toContain('\u0000');
  });

  it('shows the headline numbers, the failure reasons by count and every failed ref', () => {
    const report = fixtureReport();
    const html = renderReportHtml(report);
    const metric = (name: string) => html.match(new RegExp(`data-metric="${name}">([^<]*)<`))?.[1];
    expect(metric('status')).toBe('completed');
    expect(metric('total_inventory')).toBe(String(report.total_inventory));
    expect(metric('succeeded')).toBe(String(report.succeeded));
    expect(metric('failed')).toBe('7');
    expect(metric('retries')).toBe(String(report.retries));
    // Vehicles finished (DONE + FAILED) per hour, not successes only.
    expect(metric('throughput_per_hour')).toBe('4,819.4');
    expect(metric('runtime_seconds')).toBe('2m 29s');
    expect(metric('in_dlq')).toBe('\u2013');
    // http_503 three times comes first.
    expect(html).toMatch(/<td class="key-cell"><code>http_503<\/code><\/td><td class="num" data-count>3</);
    for (const f of report.failures) expect(html).toContain(`<code data-ref>${f.ref}</code>`);
  });

  it('shows the DLQ depth of a cloud run', () => {
    const html = renderReportHtml({ ...fixtureReport(), in_dlq: 12 });
    expect(html).toContain('data-metric="in_dlq">12<');
  });

  it('is deterministic: the same report gives the same bytes', () => {
    expect(renderReportHtml(fixtureReport())).toBe(renderReportHtml(fixtureReport()));
  });

  it('renders a report.json from before the timeline, and one with nothing done', () => {
    const { timeline: _t, ...old } = fixtureReport();
    expect(renderReportHtml(old)).toContain('has no timeline');
    const empty = renderReportHtml({
      ...fixtureReport(),
      succeeded: 0,
      failed: 0,
      failures: [],
      per_worker: [],
      timeline: { bucket_seconds: 1, succeeded: [0], failed: [0] },
    });
    expect(empty).toContain('No vehicle finished in this session.');
    expect(empty).toContain('No vehicle failed.');
    expect(empty).toContain('No per-worker numbers');
  });

  it('lists at most 1000 failed refs and says where the rest are', () => {
    const failures = Array.from({ length: 1500 }, (_, i) => ({ ref: `r${i}`, reason: 'timeout', error: 'timed out', attempts: 3 }));
    const html = renderReportHtml({ ...fixtureReport(), failed: 1500, failures });
    expect(html.match(/data-ref>/g)).toHaveLength(1000);
    expect(html).toContain('Showing the first 1,000 of 1,500');
    expect(html).toMatch(/data-count>1,500</);
  });
});
