/**
 * Labels and `--balance-similar-node-groups`: which node labels the autoscaler ignores when it compares
 * two groups, and which EKS sets per group that it does not ignore.
 */

/**
 * Labels the autoscaler always ignores when comparing groups: the basic set (hostname, zone, region,
 * nodegroupset/compare_nodegroups.go `BasicIgnoredLabels`) and the AWS set
 * (processors/nodegroupset/aws_nodegroups.go: eksctl's instance id and node group name,
 * `eks.amazonaws.com/nodegroup`, the VPC CNI's `k8s.amazonaws.com/eniConfig`, `lifecycle`, the EBS
 * CSI driver's zone).
 *
 * @example
 * ```ts
 * AUTOSCALER_IGNORED_LABELS.includes('eks.amazonaws.com/nodegroup'); // true
 * ```
 */
export const AUTOSCALER_IGNORED_LABELS: readonly string[] = [
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'alpha.eksctl.io/instance-id',
  'alpha.eksctl.io/nodegroup-name',
  'eks.amazonaws.com/nodegroup',
  'k8s.amazonaws.com/eniConfig',
  'lifecycle',
  'topology.ebs.csi.aws.com/zone',
];

/**
 * Labels EKS managed node groups put on their nodes that differ between groups and that the
 * autoscaler does not ignore by itself: the set to pass as `--balancing-ignore-label` on EKS.
 *
 * @example
 * ```ts
 * EKS_BALANCING_IGNORE_LABELS.map((l) => `--balancing-ignore-label=${l}`);
 * ```
 */
export const EKS_BALANCING_IGNORE_LABELS: readonly string[] = [
  'eks.amazonaws.com/nodegroup-image',
  'eks.amazonaws.com/capacityType',
  'eks.amazonaws.com/sourceLaunchTemplateId',
  'eks.amazonaws.com/sourceLaunchTemplateVersion',
];

/**
 * Labels whose values differ between two label sets (or exist in one only), leaving out those the
 * autoscaler ignores and `extraIgnored`. Sorted.
 *
 * @example
 * ```ts
 * differingLabels({ team: 'a', 'eks.amazonaws.com/nodegroup': 'x' }, { team: 'b', 'eks.amazonaws.com/nodegroup': 'y' });
 * // ['team']
 * ```
 */
export function differingLabels(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
  extraIgnored: readonly string[] = [],
): string[] {
  const ignored = new Set([...AUTOSCALER_IGNORED_LABELS, ...extraIgnored]);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !ignored.has(k) && a[k] !== b[k]).sort();
}
