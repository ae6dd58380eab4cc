import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag.js';

/** Every object the stack writes lives under this prefix (`runs/<runId>/...`). */
export const RUNS_PREFIX = 'runs/';

export interface PdfBucketProps {
  /** Days after which objects under `runs/` expire (the runRetentionDays setting). */
  readonly runRetentionDays: number;
  /**
   * Empty and delete the buckets with the stack (a custom resource deletes the objects).
   * Otherwise the buckets and their PDFs stay when the stack is deleted.
   * @default false
   */
  readonly autoDeleteObjects?: boolean;
  /**
   * Days the server access logs are kept.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
}

/**
 * The bucket of PDFs and reports (`runs/<runId>/pdfs/<ref>.pdf`, `runs/<runId>/report.json`,
 * ...): private (all public access blocked, bucket-owner-enforced), S3-managed encryption,
 * TLS-only, no versioning, `runs/` expiring after `runRetentionDays`, server access logs to a
 * separate logs bucket.
 */
export class PdfBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: PdfBucketProps) {
    super(scope, id);
    // S3 log delivery through a bucket policy instead of an ACL, whatever flags the app sets.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const autoDelete = props.autoDeleteObjects ?? false;
    const removalPolicy = autoDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.accessLogRetentionDays ?? 90) }],
      removalPolicy,
      autoDeleteObjects: autoDelete,
    });
    // cdk-nag S1 accepts a bucket that is the access-log target of another bucket.

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'pdf-bucket/',
      lifecycleRules: [
        {
          id: 'expire-runs',
          prefix: RUNS_PREFIX,
          expiration: Duration.days(props.runRetentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
      autoDeleteObjects: autoDelete,
    });
  }

  get bucketName(): string {
    return this.bucket.bucketName;
  }

  /** s3:PutObject on `runs/*` only (PDFs, inventory.csv, report.json, manifest.csv, report.html). */
  grantPutRunObjects(grantee: IGrantable): Grant {
    const objects = this.bucket.arnForObjects(`${RUNS_PREFIX}*`);
    this.acknowledgeRunObjects(grantee, objects);
    return Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [objects] });
  }

  /** s3:GetObject on `runs/*` and ListBucket restricted to the `runs/` prefix. */
  grantReadRunObjects(grantee: IGrantable): Grant {
    const runObjects = this.bucket.arnForObjects(`${RUNS_PREFIX}*`);
    this.acknowledgeRunObjects(grantee, runObjects);
    const objects = Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [runObjects] });
    const listing = Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${RUNS_PREFIX}*`] } },
    });
    return objects.combine(listing);
  }

  private acknowledgeRunObjects(grantee: IGrantable, objectsArn: string): void {
    if (!(grantee instanceof Construct)) return;
    acknowledgeWildcardResource(
      grantee,
      objectsArn,
      'Object keys are per run and vehicle (runs/<runId>/pdfs/<ref>.pdf, runs/<runId>/report.json, ...), ' +
        "unknown at deploy time; the grant is limited to this stack's bucket and its runs/ prefix.",
    );
  }
}
