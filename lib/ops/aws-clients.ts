import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';

/** Where the operator's AWS calls go: the standard credential chain, optionally a named profile and region. */
export interface AwsTarget {
  /** A profile of ~/.aws/config and ~/.aws/credentials (`--profile`). @default the SDK's default chain (AWS_PROFILE, env keys, SSO, ...) */
  profile?: string;
  /** `--region`. @default AWS_REGION, or the profile's region */
  region?: string;
}

/** The SDK clients `fleetpdf cloud` uses, all bound to one profile and region. */
export interface OpsClients {
  cloudformation: CloudFormationClient;
  sfn: SFNClient;
  sqs: SQSClient;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  destroy(): void;
}

export function createOpsClients(target: AwsTarget = {}): OpsClients {
  // The SDK's notice that it will want Node 22 from 2027 would precede every command's output;
  // fleetpdf supports Node 20.12+, so it is off unless the operator asks for it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = {
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.region ? { region: target.region } : {}),
  };
  // The SDK has no env setting for path-style S3; an S3 stand-in on a custom endpoint needs it.
  const customS3Endpoint = Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
  const clients = {
    cloudformation: new CloudFormationClient(config),
    sfn: new SFNClient(config),
    sqs: new SQSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: customS3Endpoint }),
    dynamodb: new DynamoDBClient(config),
  };
  return {
    ...clients,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
