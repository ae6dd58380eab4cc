export { buildReport, compareRefs, percentile } from './build-report.js';
export type { BuildReportInput } from './build-report.js';
export { manifestCsv, csvField } from './manifest.js';
export { formatSummary } from './summary.js';
export type {
  FailureEntry,
  PerWorkerStats,
  ReportCounters,
  RunCounters,
  RunReport,
  RunStatus,
  SkippedEntry,
} from './types.js';
