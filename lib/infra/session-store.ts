import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SessionTableKeys } from '../contracts/index.js';

export interface SessionStoreProps {
  /**
   * What happens to the table when it leaves the stack. A session is worth one login, so
   * losing it is harmless.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The portal session shared by every Lambda: the cookies with a version (item `session`), the
 * single-flight refresh lock (item `refresh-lock`) and each run's counters
 * (`run-counters#<runId>`, atomic ADDs from the downloaders). DynamoDB TTL on `ttl` drops expired
 * sessions and abandoned locks. On-demand, encrypted with the AWS managed key, PITR on.
 */
export class SessionStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: SessionStoreProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: SessionTableKeys.PARTITION_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: SessionTableKeys.TTL_ATTRIBUTE,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /** Read items (the session, a run's counters): GetItem only. */
  grantRead(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['dynamodb:GetItem'], resourceArns: [this.table.tableArn] });
  }

  /** Read the session, write a new one (conditional on its version), take and release the lock. */
  grantReadWrite(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resourceArns: [this.table.tableArn],
    });
  }
}
