import { Construct } from 'constructs';
import { FunctionName, ResourceEnv } from '../contracts/index.js';
import type { CloudSettingValues } from '../settings/index.js';
import type { PdfBucket } from './pdf-bucket.js';
import type { SessionStore } from './session-store.js';
import type { Tracking } from './tracking.js';
import type { VehicleQueue } from './vehicle-queue.js';
import { WorkerFunction } from './worker-function.js';

export interface ReportProps {
  readonly settings: CloudSettingValues;
  /**
   * Folder holding the handler entries and package-lock.json.
   * @default the repository root (see `projectRoot()`)
   */
  readonly projectRoot?: string;
  readonly tracking: Tracking;
  readonly queue: VehicleQueue;
  readonly bucket: PdfBucket;
  /** Read for the run's counters and the session version (session refreshes). */
  readonly sessions: SessionStore;
  /**
   * Packages installed beside the bundle. The shared Lambda runtime loads the browser only
   * when a function starts one, which this one never does.
   * @default none
   */
  readonly nodeModules?: readonly string[];
  /**
   * Memory in MB (a run's rows are read into memory).
   * @default 1024
   */
  readonly memorySizeMb?: number;
  /**
   * Timeout in seconds.
   * @default 300
   */
  readonly timeoutSecs?: number;
}

/**
 * The last Task of a run: reads the run's tracking rows, its counters, the session version and
 * the DLQ depth, and writes
 * `report.json`, `manifest.csv` and `report.html` under `runs/<runId>/`.
 */
export class Report extends Construct {
  readonly worker: WorkerFunction;

  constructor(scope: Construct, id: string, props: ReportProps) {
    super(scope, id);
    this.worker = new WorkerFunction(this, 'Worker', {
      projectRoot: props.projectRoot,
      nodeModules: props.nodeModules ?? [],
      name: FunctionName.REPORT,
      memorySizeMb: props.memorySizeMb ?? 1024,
      timeoutSecs: props.timeoutSecs ?? 300,
      settings: props.settings,
      environment: {
        [ResourceEnv.SESSION_TABLE]: props.sessions.tableName,
        [ResourceEnv.TRACKING_TABLE]: props.tracking.tableName,
        [ResourceEnv.QUEUE_URL]: props.queue.queueUrl,
        [ResourceEnv.DLQ_URL]: props.queue.deadLetterQueueUrl,
        [ResourceEnv.BUCKET]: props.bucket.bucketName,
      },
    });
    props.sessions.grantRead(this.worker);
    props.tracking.grantReadRows(this.worker);
    props.tracking.grantCountByStatus(this.worker);
    props.queue.grantReadDepths(this.worker);
    props.bucket.grantPutRunObjects(this.worker);
  }
}
