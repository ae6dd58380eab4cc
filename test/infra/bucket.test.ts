import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, removeSynthDirs, resourcesOfType, synthStack } from '../../harness/synth.js';

let s: Synthesized;
let bucketId: string;
let logsId: string;
let bucket: { Properties?: Record<string, any>; DeletionPolicy?: string };

beforeAll(() => {
  s = synthStack();
  bucketId = s.idOf(s.stack.bucket.bucket);
  logsId = s.idOf(s.stack.bucket.accessLogsBucket);
  bucket = s.json.Resources[bucketId]!;
});
afterAll(removeSynthDirs);

const blockAll = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

function bucketPolicyOf(json: Synthesized['json'], id: string) {
  return resourcesOfType(json, 'AWS::S3::BucketPolicy').find(([, p]) => p.Bucket?.Ref === id)?.[1];
}

describe('PdfBucket', () => {
  it('blocks all public access', () => {
    expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual(blockAll);
  });

  it('encrypts objects with S3-managed keys', () => {
    expect(bucket.Properties?.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it('denies every non-TLS request (bucket policy)', () => {
    const policy = bucketPolicyOf(s.json, bucketId);
    expect(policy?.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('allows nobody anything through the bucket policy (grants live on the function roles)', () => {
    const statements = bucketPolicyOf(s.json, bucketId)?.PolicyDocument.Statement as { Effect: string }[];
    expect(statements.filter((st) => st.Effect === 'Allow')).toEqual([]);
  });

  it('expires runs/ after 90 days', () => {
    expect(bucket.Properties?.LifecycleConfiguration?.Rules).toContainEqual(
      expect.objectContaining({ Prefix: 'runs/', ExpirationInDays: 90, Status: 'Enabled' }),
    );
  });

  it('takes the expiry from the runRetentionDays context key', () => {
    synthStack({ runRetentionDays: 30 }).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'runs/', ExpirationInDays: 30 })]) },
    });
  });

  it('is not versioned', () => {
    expect(bucket.Properties?.VersioningConfiguration).toBeUndefined();
  });

  it('enforces bucket-owner object ownership (no ACLs)', () => {
    expect(bucket.Properties?.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it('logs server access to the separate access-log bucket', () => {
    expect(bucket.Properties?.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logsId },
      LogFilePrefix: 'pdf-bucket/',
    });
  });

  it('lets S3 log delivery write to the log bucket through its policy, for this bucket only', () => {
    expect(bucketPolicyOf(s.json, logsId)?.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Condition: expect.objectContaining({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } } }),
      }),
    );
  });

  it('keeps the access-log bucket private, encrypted and TLS-only too', () => {
    const logs = s.json.Resources[logsId]!;
    expect(logs.Properties?.PublicAccessBlockConfiguration).toEqual(blockAll);
    expect(logs.Properties?.BucketEncryption).toBeDefined();
    expect(bucketPolicyOf(s.json, logsId)?.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('keeps the buckets and their PDFs when the stack is deleted (default)', () => {
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(s.json.Resources[logsId]?.DeletionPolicy).toBe('Retain');
    expect(resourcesOfType(s.json, 'Custom::S3AutoDeleteObjects')).toEqual([]);
  });

  it('empties and deletes the buckets with the stack when autoDeleteObjects is set', () => {
    const other = synthStack({ autoDeleteObjects: 'true' });
    expect(other.json.Resources[other.idOf(other.stack.bucket.bucket)]?.DeletionPolicy).toBe('Delete');
    expect(resourcesOfType(other.json, 'Custom::S3AutoDeleteObjects')).toHaveLength(2);
  });
});
