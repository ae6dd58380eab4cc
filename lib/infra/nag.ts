import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 acknowledgments (`Validations.of(construct).acknowledge`). IAM5 reports one
 * finding per wildcard, as `AwsSolutions-IAM5[Resource::<flattened ARN>]`, and v3 matches the
 * finding id exactly, so a wildcard is acknowledged for the one ARN that needs it, never the
 * whole rule.
 */

/** Flattens a resolved CloudFormation value the way cdk-nag names findings (`<LogicalId.Arn>/runs/*`). */
export function flattenCfnValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(flattenCfnValue).join(delimiter);
    }
    if (node['Fn::Sub'] !== undefined) return flattenCfnValue(node['Fn::Sub']);
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenCfnValue(resource)}.${flattenCfnValue(attribute)}>`;
    }
    if (node['Fn::ImportValue'] !== undefined) return flattenCfnValue(node['Fn::ImportValue']);
    if (node.Ref !== undefined) return `<${flattenCfnValue(node.Ref)}>`;
  }
  return JSON.stringify(value);
}

/** Acknowledges IAM5 for one wildcard resource ARN (a token such as `bucket.arnForObjects('runs/*')`) on `scope`. */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  const flattened = flattenCfnValue(Stack.of(scope).resolve(resourceArn));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattened}]`, reason });
}

/** Acknowledges IAM5 for `Resource: *` on `scope` (for actions that have no resource-level permissions). */
export function acknowledgeStarResource(scope: IConstruct, reason: string): void {
  Validations.of(scope).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
}
