import { createHash, randomBytes } from 'node:crypto';
import { DynamoTracker, S3DocumentStore } from '../../lib/adapters/aws/index.js';
import type { TrackingRow } from '../../lib/core/ports.js';
import { buildReport, type RunReport } from '../../lib/core/report/index.js';
import { S3Keys } from '../../lib/contracts/index.js';
import { openOps, type OpsContext } from '../../lib/ops/context.js';
import { startCloudFormation, type CloudFormationStandIn } from '../../harness/emulators/cloudformation.js';
import { createCloudResources, type CloudResources } from '../emulators/aws-env.js';
import { startStepFunctions, type StepFunctionsStandIn } from '../../harness/emulators/step-functions.js';
import { documentName } from '../../lib/core/file-name.js';

/**
 * A "deployed stack" for `fleetpdf cloud` tests: fresh emulated resources (dynalite, SQS, S3),
 * a Step Functions stand-in with the run state machine, and a CloudFormation stand-in whose
 * stack outputs point at all of them. The SDK env of this process points at the stand-ins too,
 * so the real clients (in process, or a spawned CLI inheriting process.env) reach them.
 * Call `useEmulators()` at the top of the test file first.
 */
export interface OpsFixture {
  stackName: string;
  stateMachineArn: string;
  resources: CloudResources;
  cloudformation: CloudFormationStandIn;
  sfn: StepFunctionsStandIn;
  /** Adapters on the fixture's resources, for seeding. */
  tracker: DynamoTracker;
  documents: S3DocumentStore;
  /** The env a spawned `fleetpdf cloud` needs beyond useEmulators(): the stand-ins and the stack name. */
  env: Record<string, string>;
  open(): Promise<OpsContext>;
  close(): Promise<void>;
}

export async function opsFixture(prefix: string): Promise<OpsFixture> {
  const [resources, cloudformation, sfn] = await Promise.all([createCloudResources(prefix), startCloudFormation(), startStepFunctions()]);
  const stackName = `FleetPdfTest-${randomBytes(3).toString('hex')}`;
  const stateMachineArn = sfn.createStateMachine(`${stackName}-RunStateMachine`);
  cloudformation.putStack({
    name: stackName,
    outputs: {
      BucketName: resources.bucket,
      StateMachineArn: stateMachineArn,
      QueueUrl: resources.queueUrl,
      DlqUrl: resources.dlqUrl,
      TrackingTableName: resources.trackingTable,
      SessionTableName: resources.sessionTable,
      CredentialsSecretName: resources.secretId,
      DashboardName: `${stackName}-dashboard`,
    },
  });
  const env = {
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.endpoint,
    AWS_ENDPOINT_URL_SFN: sfn.endpoint,
    FLEETPDF_STACK: stackName,
  };
  Object.assign(process.env, env);
  return {
    stackName,
    stateMachineArn,
    resources,
    cloudformation,
    sfn,
    tracker: new DynamoTracker({ client: resources.clients.dynamodb, tableName: resources.trackingTable }),
    documents: new S3DocumentStore({ client: resources.clients.s3, bucket: resources.bucket }),
    env,
    open: () => openOps({ stackName }),
    close: async () => {
      await Promise.all([cloudformation.close(), sfn.close()]);
    },
  };
}

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A small PDF-looking body naming the ref. */
export const pdfBody = (ref: string) => Buffer.from(`%PDF-1.7\n% vehicle ${ref}\n${randomBytes(2048).toString('base64')}\n%%EOF\n`);

/**
 * Track `refs` in a run and store a PDF for the first `done` of them (S3 object with its sha256
 * metadata, tracking row DONE with the same sha256), the way a downloader does. Returns the bodies.
 */
export async function seedRun(fixture: OpsFixture, runId: string, refs: string[], done = refs.length): Promise<Map<string, Buffer>> {
  await fixture.tracker.register(runId, refs.map((ref) => ({ ref })));
  const bodies = new Map<string, Buffer>();
  await Promise.all(
    refs.slice(0, done).map(async (ref) => {
      const body = pdfBody(ref);
      const sha = sha256(body);
      const storageKey = await fixture.documents.put(runId, documentName({ ref }), body, sha);
      await fixture.tracker.markDone(runId, ref, { bytes: body.length, sha256: sha, storageKey, attempts: 1 });
      bodies.set(ref, body);
    }),
  );
  return bodies;
}

/** A small finished cloud run's report, built the way the Report Lambda builds it. */
export function cloudReport(runId: string, bucket: string): RunReport {
  const t0 = Date.parse('2026-11-23T10:00:00Z');
  const rows: TrackingRow[] = Array.from({ length: 5 }, (_, i) => ({
    runId,
    ref: `R${i + 1}`,
    status: i === 4 ? 'FAILED' : 'DONE',
    attempts: i === 4 ? 3 : 1,
    updatedAt: t0 + 60_000,
    startedAt: t0 + i * 1000,
    finishedAt: t0 + i * 1000 + 4000,
    ...(i === 4 ? { lastError: 'HTTP 503', errorReason: 'http_503' } : { sha256: 'a'.repeat(64), bytes: 1000 }),
  }));
  return buildReport({
    runId,
    profile: 'dealer-values',
    workers: 2,
    rows,
    counters: { retries: 2, session_refreshes: 0, browser_restarts: 0, wrong_documents_rejected: 0, duplicates: 0, peak_rss_mb: 0, per_worker: [] },
    startedAt: t0,
    finishedAt: t0 + 60_000,
    status: 'completed',
    output: `s3://${bucket}/${S3Keys.runPrefix(runId)}`,
  });
}
