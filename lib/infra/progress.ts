import { Construct } from 'constructs';
import { FunctionName, ResourceEnv } from '../contracts/index.js';
import type { CloudSettingValues } from '../settings/index.js';
import type { SessionStore } from './session-store.js';
import type { Tracking } from './tracking.js';
import type { VehicleQueue } from './vehicle-queue.js';
import { WorkerFunction } from './worker-function.js';

export interface ProgressProps {
  readonly settings: CloudSettingValues;
  /**
   * Folder holding the handler entries and package-lock.json.
   * @default the repository root (see `projectRoot()`)
   */
  readonly projectRoot?: string;
  readonly tracking: Tracking;
  readonly queue: VehicleQueue;
  /** Where the run's circuit breaker lives (read only). */
  readonly sessions: SessionStore;
  /**
   * Packages installed beside the bundle. The shared Lambda runtime loads the browser only
   * when a function starts one, which this one never does.
   * @default none
   */
  readonly nodeModules?: readonly string[];
  /**
   * Memory in MB.
   * @default 256
   */
  readonly memorySizeMb?: number;
  /**
   * Timeout in seconds.
   * @default 30
   */
  readonly timeoutSecs?: number;
}

/**
 * One poll of the run loop: counts per status (from the `byStatus` index), queue and DLQ depth,
 * whether the run is done or stalled, and whether the circuit breaker paused it (then it
 * switches the downloads off: see `Downloader.grantPauseSwitch`).
 */
export class Progress extends Construct {
  readonly worker: WorkerFunction;

  constructor(scope: Construct, id: string, props: ProgressProps) {
    super(scope, id);
    this.worker = new WorkerFunction(this, 'Worker', {
      projectRoot: props.projectRoot,
      nodeModules: props.nodeModules ?? [],
      name: FunctionName.PROGRESS,
      memorySizeMb: props.memorySizeMb ?? 256,
      timeoutSecs: props.timeoutSecs ?? 30,
      settings: props.settings,
      environment: {
        [ResourceEnv.TRACKING_TABLE]: props.tracking.tableName,
        [ResourceEnv.QUEUE_URL]: props.queue.queueUrl,
        [ResourceEnv.DLQ_URL]: props.queue.deadLetterQueueUrl,
        [ResourceEnv.SESSION_TABLE]: props.sessions.tableName,
      },
    });
    props.sessions.grantRead(this.worker);
    props.tracking.grantCountByStatus(this.worker);
    props.queue.grantReadDepths(this.worker);
  }
}
