/**
 * The Cluster Autoscaler's IAM policy: upstream's action list
 * (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md, AWS-FACTS.md) with the two
 * write actions restricted, by default, to groups tagged for this cluster (EKS best practices).
 */
import { InvalidInputError, parseArn, validateClusterName } from '@eks-kit/core';
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

/** An IAM policy statement as plain JSON. */
export interface AutoscalerPolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

/** An IAM policy document as plain JSON. */
export interface AutoscalerPolicyDocument {
  Version: '2012-10-17';
  Statement: AutoscalerPolicyStatement[];
}

/**
 * The Cluster Autoscaler policy. `scope: 'tag-condition'` (default) allows SetDesiredCapacity and
 * TerminateInstanceInAutoScalingGroup only on groups tagged exactly `enabled=true` and `<cluster>=owned`;
 * `scope: { asgArns }` allows them only on the listed groups (minimal mode).
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
}): AutoscalerPolicyDocument {
  const cluster = validateClusterName(input?.cluster, 'cluster');
  const scope = input.scope ?? 'tag-condition';
  const read: AutoscalerPolicyStatement = {
    Sid: 'DescribeNodeGroups',
    Effect: 'Allow',
    Action: [...AUTOSCALER_READ_ACTIONS],
    Resource: '*',
  };
  let write: AutoscalerPolicyStatement;
  if (scope === 'tag-condition') {
    write = {
      Sid: 'ScaleTaggedGroups',
      Effect: 'Allow',
      Action: [...AUTOSCALER_WRITE_ACTIONS],
      Resource: '*',
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/${ENABLED_TAG_KEY}`]: 'true',
          [`aws:ResourceTag/${clusterOwnedTagKey(cluster)}`]: 'owned',
        },
      },
    };
  } else if (scope && typeof scope === 'object' && Array.isArray(scope.asgArns)) {
    if (scope.asgArns.length === 0)
      throw new InvalidInputError('scope.asgArns', scope.asgArns, 'at least one Auto Scaling group ARN');
    const arns = [
      ...new Set(scope.asgArns.map((arn, i) => validateAsgArn(arn, `scope.asgArns[${i}]`))),
    ].sort();
    write = {
      Sid: 'ScaleListedGroups',
      Effect: 'Allow',
      Action: [...AUTOSCALER_WRITE_ACTIONS],
      Resource: arns,
    };
  } else {
    throw new InvalidInputError('scope', scope, "'tag-condition' or { asgArns: [...] }");
  }
  return { Version: '2012-10-17', Statement: [read, write] };
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
