export { buildReport, compareRefs, percentile } from './build-report.js';
export type { BuildReportInput } from './build-report.js';
export { manifestCsv } from './manifest.js';
export { formatSummary } from './summary.js';
export { reportCounters } from './report-counters.js';
export type { RunFigures } from './report-counters.js';
export { renderReportHtml } from './render-html.js';
export { buildTimeline } from './timeline.js';
export type {
  FailureEntry,
  PerWorkerStats,
  ReportCounters,
  RunReport,
  RunStatus,
  RunTimeline,
  SkippedEntry,
} from './types.js';
