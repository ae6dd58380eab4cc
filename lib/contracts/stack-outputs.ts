/** The stack's output ids: the stack writes them, `fleetpdf cloud` reads them by stack name. */
export const StackOutput = {
  BUCKET_NAME: 'BucketName',
  STATE_MACHINE_ARN: 'StateMachineArn',
  QUEUE_URL: 'QueueUrl',
  DLQ_URL: 'DlqUrl',
  DLQ_ARN: 'DlqArn',
  TRACKING_TABLE_NAME: 'TrackingTableName',
  SESSION_TABLE_NAME: 'SessionTableName',
  CREDENTIALS_SECRET_NAME: 'CredentialsSecretName',
  DASHBOARD_NAME: 'DashboardName',
} as const;
export type StackOutput = (typeof StackOutput)[keyof typeof StackOutput];

/** Env variable naming the stack when `fleetpdf cloud --stack` is not given. */
export const STACK_NAME_ENV = 'FLEETPDF_STACK';
