import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TrackingTableKeys } from '../contracts/index.js';

export interface TrackingProps {
  /**
   * What happens to the table when it leaves the stack: the tracking rows are the record of
   * which vehicle was downloaded when, so they are kept by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One row per (runId, ref): status, attempts, bytes, sha256, S3 key, last error, timestamps.
 * The `byStatus` index (partition runId, sort status, keys only) counts a run's rows by status
 * without reading them. On-demand, encrypted, point-in-time recovery, retained by default.
 */
export class Tracking extends Construct {
  readonly table: Table;
  /** Name of the status index. */
  readonly statusIndexName: string = TrackingTableKeys.STATUS_INDEX;

  constructor(scope: Construct, id: string, props: TrackingProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TrackingTableKeys.PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: TrackingTableKeys.SORT_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TrackingTableKeys.STATUS_INDEX,
      partitionKey: { name: TrackingTableKeys.PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: TrackingTableKeys.STATUS_ATTRIBUTE, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /** ARN of the status index (exact, no wildcard). */
  get statusIndexArn(): string {
    return `${this.table.tableArn}/index/${this.statusIndexName}`;
  }

  /** Read a run's rows: GetItem, BatchGetItem and Query on the table (not its indexes). */
  grantReadRows(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
      resourceArns: [this.table.tableArn],
    });
  }

  /** Read, create and update rows (conditional writes included); no Scan, no DeleteItem. */
  grantReadWriteRows(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:ConditionCheckItem',
      ],
      resourceArns: [this.table.tableArn],
    });
  }

  /** Count a run's rows per status: Query on the `byStatus` index only. */
  grantCountByStatus(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [this.statusIndexArn],
    });
  }
}
