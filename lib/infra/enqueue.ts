import { Construct } from 'constructs';
import { FunctionName, ResourceEnv } from '../contracts/index.js';
import type { CloudSettingValues } from '../settings/index.js';
import type { PdfBucket } from './pdf-bucket.js';
import type { Secrets } from './secrets.js';
import type { SessionStore } from './session-store.js';
import type { Tracking } from './tracking.js';
import type { VehicleQueue } from './vehicle-queue.js';
import { WorkerFunction } from './worker-function.js';

export interface EnqueueProps {
  readonly settings: CloudSettingValues;
  /**
   * Folder holding the handler entries and package-lock.json.
   * @default the repository root (see `projectRoot()`)
   */
  readonly projectRoot?: string;
  readonly secrets: Secrets;
  readonly sessions: SessionStore;
  readonly tracking: Tracking;
  readonly queue: VehicleQueue;
  /** Receives the exported inventory as `runs/<runId>/inventory.csv`. */
  readonly bucket: PdfBucket;
  /**
   * Memory in MB.
   * @default 2048 (headless Chromium for the inventory export)
   */
  readonly memorySizeMb?: number;
  /**
   * Timeout in seconds: the inventory export plus one tracking row and one message per
   * vehicle for inventories of many thousands (Lambda's maximum).
   * @default 900
   */
  readonly timeoutSecs?: number;
}

/**
 * Exports the inventory with the session (logging in again under the lock if it expired),
 * stores it as `runs/<runId>/inventory.csv`, validates the refs, creates PENDING tracking rows
 * and sends the refs not yet DONE to the queue, 10 per SendMessageBatch.
 */
export class Enqueue extends Construct {
  readonly worker: WorkerFunction;

  constructor(scope: Construct, id: string, props: EnqueueProps) {
    super(scope, id);
    this.worker = new WorkerFunction(this, 'Worker', {
      projectRoot: props.projectRoot,
      name: FunctionName.ENQUEUE,
      browser: true,
      memorySizeMb: props.memorySizeMb ?? 2048,
      timeoutSecs: props.timeoutSecs ?? 900,
      settings: props.settings,
      environment: {
        [ResourceEnv.SESSION_TABLE]: props.sessions.tableName,
        [ResourceEnv.TRACKING_TABLE]: props.tracking.tableName,
        [ResourceEnv.QUEUE_URL]: props.queue.queueUrl,
        [ResourceEnv.BUCKET]: props.bucket.bucketName,
        [ResourceEnv.CREDENTIALS_SECRET]: props.secrets.secretId,
      },
    });
    props.queue.grantSendVehicles(this.worker);
    props.bucket.grantPutRunObjects(this.worker);
    props.tracking.grantReadWriteRows(this.worker);
    props.sessions.grantReadWrite(this.worker);
    props.secrets.grantRead(this.worker);
  }
}
