import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type FunctionName, StackOutput } from '../contracts/index.js';
import { cloudTimings } from '../settings/index.js';
import { Alarms } from './alarms.js';
import { Dashboard } from './dashboard.js';
import { Downloader } from './downloader.js';
import { Enqueue } from './enqueue.js';
import { Login } from './login.js';
import { acknowledgeStarResource, acknowledgeWildcardResource } from './nag.js';
import { type FleetPdfOptions, optionsFromContext } from './options.js';
import { PdfBucket } from './pdf-bucket.js';
import { Progress } from './progress.js';
import { Report } from './report.js';
import { RunStateMachine } from './run-state-machine.js';
import { Secrets } from './secrets.js';
import { SessionStore } from './session-store.js';
import { Tracking } from './tracking.js';
import { VehicleQueue } from './vehicle-queue.js';
import type { WorkerFunction } from './worker-function.js';

export interface FleetPdfStackProps extends StackProps {
  /**
   * Options that take precedence over CDK context (e.g. from code or tests).
   * @default - everything from context, with the documented defaults
   */
  readonly options?: Partial<FleetPdfOptions>;
  /**
   * Folder holding the handler entries (`lambdas/*.ts`, see `HandlerEntry`) and package-lock.json.
   * @default the repository this file belongs to
   */
  readonly projectRoot?: string;
}

/**
 * fleetpdf's cloud shape: a Step Functions run button that logs in, enqueues the inventory to
 * SQS, lets concurrency-capped Chromium Lambdas download and verify one PDF per vehicle into
 * S3, polls progress and writes the report; cookies in DynamoDB, credentials in Secrets
 * Manager, failures in a redrivable DLQ, a dashboard and alarms.
 */
export class FleetPdfStack extends Stack {
  readonly options: FleetPdfOptions;
  readonly secrets: Secrets;
  readonly sessions: SessionStore;
  readonly tracking: Tracking;
  readonly queue: VehicleQueue;
  readonly bucket: PdfBucket;
  readonly login: Login;
  readonly enqueue: Enqueue;
  readonly downloader: Downloader;
  readonly progress: Progress;
  readonly report: Report;
  readonly runStateMachine: RunStateMachine;
  readonly alarms: Alarms;
  readonly dashboard: Dashboard;
  /** The five functions by their contract name (lib/contracts `FunctionName`). */
  readonly functions: Record<FunctionName, WorkerFunction>;

  constructor(scope: Construct, id: string, props: FleetPdfStackProps = {}) {
    super(scope, id, {
      description: 'fleetpdf: one verified PDF per vehicle from a dealer portal (Step Functions, SQS, Lambda + Chromium)',
      ...props,
    });
    const options = optionsFromContext(this.node, props.options);
    this.options = options;

    const settings = options;
    const timings = cloudTimings(settings);

    this.secrets = new Secrets(this, 'Secrets', { existingSecretName: options.credentialsSecretName });
    this.sessions = new SessionStore(this, 'SessionStore');
    this.tracking = new Tracking(this, 'Tracking');
    this.queue = new VehicleQueue(this, 'VehicleQueue', {
      visibilityTimeout: Duration.seconds(timings.visibilityTimeoutSecs),
      maxReceiveCount: options.maxAttempts,
    });
    this.bucket = new PdfBucket(this, 'PdfBucket', {
      runRetentionDays: options.runRetentionDays,
      autoDeleteObjects: options.autoDeleteObjects,
    });

    const root = props.projectRoot;
    const common = { settings, projectRoot: root, secrets: this.secrets, sessions: this.sessions, tracking: this.tracking, queue: this.queue };
    this.login = new Login(this, 'Login', common);
    this.enqueue = new Enqueue(this, 'Enqueue', { ...common, bucket: this.bucket });
    this.downloader = new Downloader(this, 'Downloader', {
      ...common,
      bucket: this.bucket,
      timeoutSecs: timings.downloaderTimeoutSecs,
    });
    this.progress = new Progress(this, 'Progress', {
      settings,
      projectRoot: root,
      tracking: this.tracking,
      queue: this.queue,
      sessions: this.sessions,
    });
    // The circuit breaker: Progress switches the downloads off, Login (as Resume) on again.
    for (const worker of [this.login.worker, this.progress.worker]) this.downloader.grantPauseSwitch(worker);
    this.report = new Report(this, 'Report', {
      settings,
      projectRoot: root,
      tracking: this.tracking,
      queue: this.queue,
      bucket: this.bucket,
      sessions: this.sessions,
    });
    this.functions = {
      Login: this.login.worker,
      Enqueue: this.enqueue.worker,
      Downloader: this.downloader.worker,
      Progress: this.progress.worker,
      Report: this.report.worker,
    };

    this.runStateMachine = new RunStateMachine(this, 'RunStateMachine', {
      login: this.login.worker,
      enqueue: this.enqueue.worker,
      progress: this.progress.worker,
      report: this.report.worker,
      pollIntervalSecs: options.pollIntervalSecs,
      pauseSecs: options.pauseSecs,
    });
    this.acknowledgeStateMachineRole();

    this.alarms = new Alarms(this, 'Alarms', {
      queue: this.queue,
      downloader: this.downloader.worker,
      alarmEmail: options.alarmEmail,
    });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      queue: this.queue,
      downloader: this.downloader.worker,
      functions: Object.values(this.functions),
      alarms: [this.alarms.dlqAlarm, this.alarms.downloaderErrorRateAlarm],
    });

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output(StackOutput.BUCKET_NAME, this.bucket.bucketName, 'PDFs and reports: runs/<runId>/...');
    output(StackOutput.STATE_MACHINE_ARN, this.runStateMachine.stateMachineArn, 'Start a run: input {} or {"runId","refs","limit"}');
    output(StackOutput.QUEUE_URL, this.queue.queueUrl, 'Vehicle queue');
    output(StackOutput.DLQ_URL, this.queue.deadLetterQueueUrl, 'Dead-letter queue (redrive after fixing the cause)');
    output(StackOutput.DLQ_ARN, this.queue.deadLetterQueue.queueArn, 'Dead-letter queue ARN (aws sqs start-message-move-task --source-arn)');
    output(StackOutput.TRACKING_TABLE_NAME, this.tracking.tableName, 'Tracking rows (runId, ref)');
    output(StackOutput.SESSION_TABLE_NAME, this.sessions.tableName, 'Portal session');
    output(StackOutput.CREDENTIALS_SECRET_NAME, this.secrets.secretName, 'Set {"username","password"} here');
    output(StackOutput.DASHBOARD_NAME, this.dashboard.dashboardName, 'CloudWatch dashboard');
  }

  /** The state machine role's wildcards, each for the one reason AWS needs it. */
  private acknowledgeStateMachineRole(): void {
    const role = this.runStateMachine.stateMachine.role;
    for (const worker of [this.login.worker, this.enqueue.worker, this.progress.worker, this.report.worker]) {
      acknowledgeWildcardResource(
        role,
        `${worker.function.functionArn}:*`,
        `lambda:InvokeFunction on the ${worker.name} function's versions and aliases (<arn>:*), as CDK's LambdaInvoke grants it; no other function.`,
      );
    }
    acknowledgeStarResource(
      role,
      'Execution logging (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ' +
        'ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray tracing ' +
        'support no resource-level permissions; AWS documents Resource "*" for both.',
    );
  }
}
