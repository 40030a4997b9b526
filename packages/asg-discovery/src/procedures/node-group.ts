/** A worker Auto Scaling group as the autoscaler sees it, and how to read one from the API shape. */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { setOwn } from '@eks-kit/core';

/** Where a group's instance types come from. */
export type InstanceTypeSource =
  | 'mixed-instances-policy'
  | 'launch-template'
  | 'launch-configuration'
  /** Attribute-based selection: a mixed instances policy override with InstanceRequirements. */
  | 'instance-requirements'
  | 'unknown';

/** A launch template reference of a group. */
export interface LaunchTemplateRef {
  id?: string;
  name?: string;
  /** `$Default` when the group names none. */
  version: string;
}

/** One Auto Scaling group with what the Cluster Autoscaler reads from it. */
export interface NodeGroup {
  name: string;
  arn: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  /** Instances the group has now. */
  instances: number;
  /** Instance types a new node may get (resolved from the template, overrides or configuration). */
  instanceTypes: string[];
  instanceTypeSource: InstanceTypeSource;
  launchTemplate?: LaunchTemplateRef;
  launchConfigurationName?: string;
  /** Availability Zones the group launches in. */
  availabilityZones: string[];
  /** Tags as key -> value. */
  tags: Record<string, string>;
  /** Keys of tags copied to instances. */
  propagatedTagKeys: string[];
  /** Why `instanceTypes` is empty, when the group's template or version no longer exists. */
  instanceTypesUnresolved?: string;
  /**
   * The InstanceRequirements overrides of an attribute-based group (API shape); `resolveInstanceTypes`
   * turns them into instance types with GetInstanceTypesFromInstanceRequirements, as the autoscaler does.
   */
  instanceRequirements?: Array<Record<string, unknown>>;
}

/**
 * A {@link NodeGroup} from DescribeAutoScalingGroups output (instance types from overrides only;
 * templates and configurations are resolved by `resolveInstanceTypes`).
 *
 * @example
 * ```ts
 * const group = nodeGroupFromApi(out.AutoScalingGroups[0]);
 * ```
 */
export function nodeGroupFromApi(g: AutoScalingGroup): NodeGroup {
  const tags: Record<string, string> = {};
  const propagated: string[] = [];
  for (const t of g.Tags ?? []) {
    if (t.Key === undefined) continue;
    setOwn(tags, t.Key, t.Value ?? ''); // a tag key from AWS may be __proto__: own key only
    if (t.PropagateAtLaunch) propagated.push(t.Key);
  }
  const mip = g.MixedInstancesPolicy?.LaunchTemplate;
  const overrides = (mip?.Overrides ?? []).map((o) => o.InstanceType).filter((t): t is string => !!t);
  const requirements = (mip?.Overrides ?? [])
    .map((o) => o.InstanceRequirements)
    .filter((r): r is NonNullable<typeof r> => !!r)
    .map((r) => ({ ...r }) as Record<string, unknown>);
  const spec = mip?.LaunchTemplateSpecification ?? g.LaunchTemplate;
  const launchTemplate: LaunchTemplateRef | undefined = spec
    ? {
        ...(spec.LaunchTemplateId ? { id: spec.LaunchTemplateId } : {}),
        ...(spec.LaunchTemplateName ? { name: spec.LaunchTemplateName } : {}),
        version: spec.Version ?? '$Default',
      }
    : undefined;
  const source: NodeGroup['instanceTypeSource'] = overrides.length
    ? 'mixed-instances-policy'
    : requirements.length
      ? 'instance-requirements'
      : launchTemplate
        ? 'launch-template'
        : g.LaunchConfigurationName
          ? 'launch-configuration'
          : 'unknown';
  return {
    name: g.AutoScalingGroupName ?? '',
    arn: g.AutoScalingGroupARN ?? '',
    minSize: g.MinSize ?? 0,
    maxSize: g.MaxSize ?? 0,
    desiredCapacity: g.DesiredCapacity ?? 0,
    instances: g.Instances?.length ?? 0,
    instanceTypes: [...new Set(overrides)],
    instanceTypeSource: source,
    ...(launchTemplate ? { launchTemplate } : {}),
    ...(g.LaunchConfigurationName ? { launchConfigurationName: g.LaunchConfigurationName } : {}),
    availabilityZones: [...(g.AvailabilityZones ?? [])].sort(),
    tags,
    propagatedTagKeys: propagated.sort(),
    ...(requirements.length && !overrides.length ? { instanceRequirements: requirements } : {}),
  };
}
