import { z } from 'zod';

/**
 * The cloud shape's contracts, shared by the CDK stack (lib/infra), the Lambda handlers
 * (lambdas/) and the AWS adapters (lib/adapters/aws): environment variable names, the
 * queue message, the state machine's state, and the table layouts.
 */

/** Environment variables the stack gives the Lambdas. */
export const Env = {
  SESSION_TABLE: 'SESSION_TABLE',
  TRACKING_TABLE: 'TRACKING_TABLE',
  QUEUE_URL: 'QUEUE_URL',
  DLQ_URL: 'DLQ_URL',
  BUCKET: 'BUCKET',
  /** Secrets Manager secret (ARN or name) holding `{"username": ..., "password": ...}`. */
  CREDENTIALS_SECRET: 'CREDENTIALS_SECRET',
  PORTAL_URL: 'PORTAL_URL',
  PROFILE: 'PROFILE',
  /** Attempts per vehicle; equals the DLQ's maxReceiveCount. */
  MAX_ATTEMPTS: 'MAX_ATTEMPTS',
  VEHICLE_TIMEOUT_SECS: 'VEHICLE_TIMEOUT_SECS',
  STEP_TIMEOUT_SECS: 'STEP_TIMEOUT_SECS',
  /** Progress polls without a finished vehicle before the run counts as stalled. */
  STALL_POLLS: 'STALL_POLLS',
  /** The downloader's SQS event source mapping (UUID): paused and resumed by the circuit breaker. */
  DOWNLOADER_MAPPING_ID: 'DOWNLOADER_MAPPING_ID',
  /** How long a paused run waits before it probes the portal again; also how long a parked message stays hidden. */
  PAUSE_SECS: 'PAUSE_SECS',
  /** Resume probes that may fail in a row before the run ends as paused. */
  MAX_PAUSES: 'MAX_PAUSES',
} as const;
export type EnvName = (typeof Env)[keyof typeof Env];

/** The Lambda functions of the stack; also the keys the offline state machine run binds. */
export const FunctionName = {
  LOGIN: 'Login',
  ENQUEUE: 'Enqueue',
  DOWNLOADER: 'Downloader',
  PROGRESS: 'Progress',
  REPORT: 'Report',
} as const;
export type FunctionName = (typeof FunctionName)[keyof typeof FunctionName];

/** Handler entry files, relative to the repository root (CDK bundles them with esbuild). */
export const HandlerEntry: Record<FunctionName, string> = {
  Login: 'lambdas/login.ts',
  Enqueue: 'lambdas/enqueue.ts',
  Downloader: 'lambdas/downloader.ts',
  Progress: 'lambdas/progress.ts',
  Report: 'lambdas/report.ts',
};

/** One SQS message: one vehicle of one run. */
export const VehicleMessageSchema = z.object({
  runId: z.string().min(1).max(100),
  ref: z.string().min(1).max(200),
  vin: z.string().max(17).optional(),
});
export type VehicleMessage = z.infer<typeof VehicleMessageSchema>;

/** What the console's "Start execution" may send: `{}` works. */
export const RunInputSchema = z
  .object({
    runId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'runId: letters, digits, ".", "_" and "-" only, at most 64')
      .optional(),
    refs: z.array(z.string().min(1)).max(100_000).optional(),
    limit: z.number().int().positive().optional(),
  })
  .strict();
export type RunInput = z.infer<typeof RunInputSchema>;

/** Counts per tracking status (every status present). */
export interface StatusCounts {
  PENDING: number;
  IN_PROGRESS: number;
  DONE: number;
  FAILED: number;
  SKIPPED: number;
}

/**
 * The state that flows through the state machine. Every Task gets the whole state and
 * returns it with its own part filled in, so the ASL needs no JSONPath plumbing.
 */
export interface RunState {
  runId: string;
  refs?: string[];
  limit?: number;
  /** Epoch ms the run started (set by Login). */
  startedAt: number;
  login?: { sessionVersion: number };
  enqueue?: { total: number; enqueued: number; alreadyDone: number; skipped: number };
  progress?: {
    counts: StatusCounts;
    queueVisible: number;
    queueInFlight: number;
    dlqVisible: number;
    /** Nothing left to do: no message visible or in flight. */
    done: boolean;
    /** Polls in a row in which nothing finished while work was left. */
    idlePolls: number;
    stalled: boolean;
    polls: number;
    /** The circuit breaker is open: the downloads are paused for this reason. */
    paused?: { reason: string; critical: boolean; since: number };
  };
  report?: { status: string; reportKey: string; manifestKey: string; succeeded: number; failed: number; inDlq: number };
  /** Set while the circuit breaker holds the run (see lib/cloud/pause-run.ts). */
  pause?: RunPause;
}

/** A paused run, as the state machine sees it. */
export interface RunPause {
  /** Why the breaker opened, one line. */
  reason: string;
  /** Resume probes so far. */
  probes: number;
  /** The last probe found the portal healthy: the downloads flow again. */
  resumed: boolean;
  /** No more automatic probes: the run ends as `Paused` with `cause`. */
  gaveUp: boolean;
  /** The execution's failure cause when it gives up: `paused: <reason>; ...how to resume`. */
  cause?: string;
}

/** DynamoDB layouts. */
export const SessionTableKeys = {
  PARTITION_KEY: 'pk',
  /** The current session item. */
  SESSION_ITEM: 'session',
  /** The refresh lock item. */
  LOCK_ITEM: 'refresh-lock',
  /** Epoch seconds; DynamoDB TTL deletes expired sessions and abandoned locks. */
  TTL_ATTRIBUTE: 'ttl',
} as const;

export const TrackingTableKeys = {
  PARTITION_KEY: 'runId',
  SORT_KEY: 'ref',
  /** GSI to count a run's rows by status: partition runId, sort status. */
  STATUS_INDEX: 'byStatus',
  STATUS_ATTRIBUTE: 'status',
} as const;

/** S3 layout. */
export const S3Keys = {
  pdf: (runId: string, ref: string) => `runs/${runId}/pdfs/${ref}.pdf`,
  report: (runId: string) => `runs/${runId}/report.json`,
  manifest: (runId: string) => `runs/${runId}/manifest.csv`,
  reportHtml: (runId: string) => `runs/${runId}/report.html`,
  runPrefix: (runId: string) => `runs/${runId}/`,
} as const;
