/**
 * IAM actions AWS grants only on Resource "*" (X-Ray, and Step Functions' log delivery): the
 * only ones the stack may allow on "*" (cdk-nag's IAM5[Resource::*] acknowledgment is about
 * these).
 */
export const STAR_ONLY_ACTIONS: ReadonlySet<string> = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);
