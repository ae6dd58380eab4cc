export { buildReport, compareRefs, percentile } from './build-report.js';
export type { BuildReportInput } from './build-report.js';
export { manifestCsv, csvField } from './manifest.js';
export { formatSummary } from './summary.js';
export { renderReportHtml } from './render-html.js';
export { buildTimeline } from './timeline.js';
export type {
  FailureEntry,
  PerWorkerStats,
  ReportCounters,
  RunCounters,
  RunReport,
  RunStatus,
  RunTimeline,
  SkippedEntry,
} from './types.js';
