/**
 * The Cluster Autoscaler's IAM policy: upstream's action list
 * (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md, docs/AWS-FACTS.md#autoscaler-iam-policy) with the two
 * write actions restricted, by default, to groups tagged for this cluster (EKS best practices).
 */
import { InvalidInputError, parseArn, validateClusterName } from '@eks-kit/core';
import { type PolicyDocument, type PolicyStatement, policyDocument, statement } from '@eks-kit/iam-policies';
import { clusterOwnedTagKey, ENABLED_TAG_KEY } from './tags.js';

/** Read actions the autoscaler needs on `*` (they support no resource-level permission). */
export const AUTOSCALER_READ_ACTIONS: readonly string[] = [
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeAutoScalingInstances',
  'autoscaling:DescribeLaunchConfigurations',
  'autoscaling:DescribeScalingActivities',
  'ec2:DescribeImages',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:GetInstanceTypesFromInstanceRequirements',
  'eks:DescribeNodegroup',
];

/** Write actions upstream "strongly recommends" restricting. */
export const AUTOSCALER_WRITE_ACTIONS: readonly string[] = [
  'autoscaling:SetDesiredCapacity',
  'autoscaling:TerminateInstanceInAutoScalingGroup',
];

/** How the write actions are restricted. */
export type AutoscalerPolicyScope = 'tag-condition' | { asgArns: string[] };

/**
 * The Cluster Autoscaler policy, built with @eks-kit/iam-policies (canonical form: sorted lists,
 * one-element lists as scalars). `scope: 'tag-condition'` (default) allows SetDesiredCapacity and
 * TerminateInstanceInAutoScalingGroup only on groups tagged exactly `enabled=true` and
 * `<cluster>=owned`; `scope: { asgArns }` allows them only on the listed groups (minimal mode).
 *
 * @example
 * ```ts
 * const doc = clusterAutoscalerPolicy({ cluster: 'prod' });
 * doc.Statement[1].Condition;
 * // { StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true',
 * //                   'aws:ResourceTag/k8s.io/cluster-autoscaler/prod': 'owned' } }
 * ```
 */
export function clusterAutoscalerPolicy(input: {
  cluster: string;
  scope?: AutoscalerPolicyScope;
}): PolicyDocument {
  const cluster = validateClusterName(input?.cluster, 'cluster');
  const scope = input.scope ?? 'tag-condition';
  const read = statement({ sid: 'DescribeNodeGroups', actions: AUTOSCALER_READ_ACTIONS, resources: '*' });
  let write: PolicyStatement;
  if (scope === 'tag-condition') {
    write = statement({
      sid: 'ScaleTaggedGroups',
      actions: AUTOSCALER_WRITE_ACTIONS,
      resources: '*',
      conditions: {
        StringEquals: {
          [`aws:ResourceTag/${ENABLED_TAG_KEY}`]: 'true',
          [`aws:ResourceTag/${clusterOwnedTagKey(cluster)}`]: 'owned',
        },
      },
    });
  } else if (scope && typeof scope === 'object' && Array.isArray(scope.asgArns)) {
    if (scope.asgArns.length === 0)
      throw new InvalidInputError('scope.asgArns', scope.asgArns, 'at least one Auto Scaling group ARN');
    const arns = scope.asgArns.map((arn, i) => validateAsgArn(arn, `scope.asgArns[${i}]`));
    write = statement({ sid: 'ScaleListedGroups', actions: AUTOSCALER_WRITE_ACTIONS, resources: arns });
  } else {
    throw new InvalidInputError('scope', scope, "'tag-condition' or { asgArns: [...] }");
  }
  return policyDocument([read, write], { kind: 'identity' });
}

function validateAsgArn(value: unknown, field: string): string {
  const arn = parseArn(value, field);
  if (arn.service !== 'autoscaling' || !arn.resource.startsWith('autoScalingGroup:') || !arn.region)
    throw new InvalidInputError(
      field,
      value,
      'an Auto Scaling group ARN arn:aws:autoscaling:<region>:<account>:autoScalingGroup:<uuid>:autoScalingGroupName/<name>',
    );
  if (arn.resource === 'autoScalingGroup:*' || arn.resource.endsWith(':autoScalingGroupName/*'))
    throw new InvalidInputError(field, value, 'the ARN of one group, not a wildcard (use the tag condition)');
  return value as string;
}
