/** One worker's tallies (a local pool page, or a Lambda invocation stream). */
export interface PerWorkerStats {
  worker: string;
  succeeded: number;
  failed: number;
  retries: number;
  busy_seconds: number;
}

/** What the run counted while it went; everything else in the report comes from the tracking rows. */
export interface ReportCounters {
  retries: number;
  session_refreshes: number;
  browser_restarts: number;
  wrong_documents_rejected: number;
  duplicates: number;
  peak_rss_mb: number;
  per_worker: PerWorkerStats[];
  /** Times the circuit breaker paused the run (the portal kept failing). */
  breaker_opens?: number;
  /** Lowest concurrency the adaptive limit went down to (429s, rising latency). */
  concurrency_lowest?: number;
  /** Documents of this session fetched from the profile's direct URL (HTTP with the session cookies). */
  direct_downloads?: number;
  /** Documents of this session fetched through a worker page (vehicle page + download control). */
  browser_downloads?: number;
  /** Times a vehicle's direct URL gave no usable answer and its vehicle page was used instead. */
  direct_fallbacks?: number;
}

export type RunStatus = 'completed' | 'stopped' | 'failed';

export interface FailureEntry {
  ref: string;
  /** The file name the document would have had. */
  file?: string;
  /** Stable reason (FleetPdfError.reason) for grouping. */
  reason: string;
  /** The last error message. */
  error: string;
  attempts: number;
}

export interface SkippedEntry {
  ref: string;
  reason: string;
}

/** Vehicles this session finished per time bucket from `started_at`: the throughput chart of report.html. */
export interface RunTimeline {
  bucket_seconds: number;
  /** One count per bucket, oldest first (DONE rows by their finish time). */
  succeeded: number[];
  /** FAILED rows by their finish time, same buckets. */
  failed: number[];
}

/** report.json. The DESIGN.md fields, plus status, timing and what is left. */
export interface RunReport extends ReportCounters {
  runId: string;
  profile: string;
  /** The user's profile file the run used (`--profile ./acme.ts`): absolute path and sha256 of its bytes. */
  profile_source?: { file: string; sha256: string };
  status: RunStatus;
  stop_reason?: string;
  /** ISO timestamps of this session of the run. */
  started_at: string;
  finished_at: string;
  /** Run folder, or S3 prefix. */
  output: string;
  /** Every tracked inventory row, skipped ones included (under --limit, the selected ones only). */
  total_inventory: number;
  /** Set when `--limit` selected part of the inventory: the limit, and the export's rows before it. */
  selection?: { limit: number; inventory: number };
  /** Rows that were tried at least once (not skipped). */
  attempted: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Refs neither done, failed nor skipped when the report was made (a stopped run). */
  pending: string[];
  /** succeeded / (total_inventory - skipped), 0..1, 4 decimals. */
  success_rate: number;
  runtime_seconds: number;
  /** Wall time of this session / vehicles it finished (DONE + FAILED): not one vehicle's time. */
  wall_seconds_per_finished_vehicle: number;
  /** Vehicles this session finished (DONE + FAILED) per hour of its wall time. */
  throughput_per_hour: number;
  /** Attempt time of the DONE rows (finishedAt - startedAt, or the attempt's own duration). */
  p50_seconds: number;
  p95_seconds: number;
  workers: number;
  failures: FailureEntry[];
  skipped_refs: SkippedEntry[];
  /** Optional: report.json files written before it existed lack it. */
  timeline?: RunTimeline;
  /** Messages in the dead-letter queue when the report was made (cloud runs only). */
  in_dlq?: number;
}
