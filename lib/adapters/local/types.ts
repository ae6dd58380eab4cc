import type { RunStatus } from './constants.js';

/** How a run ended (what `finishRun` records). */
export type FinishedRunStatus = Exclude<RunStatus, 'running'>;

/** One row of the runs table. */
export interface RunRecord {
  runId: string;
  /** Absolute path of the run folder `<outDir>/<runId>/` (the db stores its name: see runFolder). */
  folder: string;
  profile: string;
  portal: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; unset while the run is running (or was interrupted). */
  finishedAt?: number;
  status: RunStatus;
  /** Whatever the caller recorded with the run (CLI options, labels). */
  options: Record<string, unknown>;
}

export interface CreateRunInput {
  outDir: string;
  profile: string;
  portal: string;
  options?: Record<string, unknown>;
}

export interface SqliteStoreOptions {
  /** Clock in epoch ms (tests move it). @default Date.now */
  now?: () => number;
  /** @default 5_000 */
  busyTimeoutMs?: number;
}
