import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { FunctionName, ResourceEnv } from '../contracts/index.js';
import { cloudTimings, type CloudSettingValues } from '../settings/index.js';
import type { PdfBucket } from './pdf-bucket.js';
import type { Secrets } from './secrets.js';
import type { SessionStore } from './session-store.js';
import type { Tracking } from './tracking.js';
import type { VehicleQueue } from './vehicle-queue.js';
import { WorkerFunction } from './worker-function.js';

export interface DownloaderProps {
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
  readonly bucket: PdfBucket;
  /**
   * Most downloader invocations at once: the event source mapping's maximum concurrency
   * (2..1000). It caps the function without reserving account concurrency.
   * @default settings.downloaderConcurrency
   */
  readonly maxConcurrency?: number;
  /**
   * Messages per invocation. One message is about one browser navigation and download, so 1
   * keeps a timeout or crash to a single vehicle and the partial-failure report trivial.
   * @default 1
   */
  readonly batchSize?: number;
  /**
   * Memory in MB.
   * @default 2048 (headless Chromium)
   */
  readonly memorySizeMb?: number;
  /**
   * Timeout in seconds; must leave room above the vehicle budget (`settings.vehicleTimeoutSecs`)
   * for a cold Chromium start. The queue's visibility timeout must be at least 6 times this.
   * @default cloudTimings(settings).downloaderTimeoutSecs (the vehicle budget + 60 s)
   */
  readonly timeoutSecs?: number;
}

/**
 * The SQS consumer: per message, skip if DONE, fetch and verify the PDF with the shared
 * session, put it to `runs/<runId>/pdfs/<ref>.pdf`, mark DONE with a conditional write; a
 * failure is recorded and reported back as a batch item failure (the message returns after
 * its visibility timeout and lands in the DLQ after `maxAttempts` receives). While the
 * run's circuit breaker is open, messages are parked (sent again, delayed) instead.
 */
export class Downloader extends Construct {
  readonly worker: WorkerFunction;
  readonly eventSource: SqsEventSource;

  constructor(scope: Construct, id: string, props: DownloaderProps) {
    super(scope, id);
    const timeoutSecs = props.timeoutSecs ?? cloudTimings(props.settings).downloaderTimeoutSecs;
    const visibilitySecs = props.queue.visibilityTimeout.toSeconds();
    if (visibilitySecs < 6 * timeoutSecs) {
      throw new Error(
        `Downloader: the queue's visibility timeout (${visibilitySecs} s) must be at least 6 x the function timeout (${timeoutSecs} s)`,
      );
    }
    if (props.settings.vehicleTimeoutSecs >= timeoutSecs) {
      throw new Error(
        `Downloader: the vehicle budget (${props.settings.vehicleTimeoutSecs} s) must be below the function timeout (${timeoutSecs} s)`,
      );
    }

    this.worker = new WorkerFunction(this, 'Worker', {
      projectRoot: props.projectRoot,
      name: FunctionName.DOWNLOADER,
      browser: true,
      pdfVerifier: true,
      memorySizeMb: props.memorySizeMb ?? 2048,
      timeoutSecs,
      settings: props.settings,
      environment: {
        [ResourceEnv.SESSION_TABLE]: props.sessions.tableName,
        [ResourceEnv.TRACKING_TABLE]: props.tracking.tableName,
        [ResourceEnv.QUEUE_URL]: props.queue.queueUrl,
        [ResourceEnv.BUCKET]: props.bucket.bucketName,
        [ResourceEnv.CREDENTIALS_SECRET]: props.secrets.secretId,
      },
    });

    this.eventSource = new SqsEventSource(props.queue.queue, {
      batchSize: props.batchSize ?? 1,
      maxConcurrency: props.maxConcurrency ?? props.settings.downloaderConcurrency,
      reportBatchItemFailures: true,
    });
    this.worker.function.addEventSource(this.eventSource);

    props.tracking.grantReadWriteRows(this.worker);
    props.sessions.grantReadWrite(this.worker);
    props.bucket.grantPutRunObjects(this.worker);
    props.secrets.grantRead(this.worker);
    // The event source mapping's grant (Receive/Delete/ChangeMessageVisibility/GetQueueAttributes
    // on the queue) also covers the handler's own ChangeMessageVisibility calls (retry backoff).
    // Parking a message while the run is paused sends it again.
    props.queue.grantSendVehicles(this.worker);
  }

  /**
   * Let a function switch this downloader's event source mapping off and on (the circuit
   * breaker's pause): its id in `DOWNLOADER_MAPPING_ID`, and Get/UpdateEventSourceMapping on
   * this one mapping only.
   */
  grantPauseSwitch(worker: WorkerFunction): void {
    worker.function.addEnvironment(ResourceEnv.DOWNLOADER_MAPPING_ID, this.eventSource.eventSourceMappingId);
    worker.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
        resources: [this.eventSource.eventSourceMappingArn],
      }),
    );
  }
}
