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

/** Strings kept once ({@link share}): at most this many, the table starts again when full. */
const SHARED_STRINGS_LIMIT = 4096;
const sharedStrings = new Map<string, string>();

/**
 * One copy of a short string the groups of a listing repeat (tag keys and values, zones, launch
 * template ids, names and versions, instance types): the SDK parses a fresh copy per group, so
 * 10,000 groups would hold 10,000 copies of `ap-northeast-1a` or `owned` (issue 21, asg-scale).
 * Names and ARNs, one per group, are not shared. Bounded, so it never grows with the groups.
 */
function share(value: string): string {
  if (value.length > 256) return value;
  const known = sharedStrings.get(value);
  if (known !== undefined) return known;
  if (sharedStrings.size >= SHARED_STRINGS_LIMIT) sharedStrings.clear();
  sharedStrings.set(value, value);
  return value;
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
    setOwn(tags, t.Key, share(t.Value ?? '')); // a tag key from AWS may be __proto__: own key only
    if (t.PropagateAtLaunch) propagated.push(share(t.Key));
  }
  const mip = g.MixedInstancesPolicy?.LaunchTemplate;
  const overrides = (mip?.Overrides ?? []).flatMap((o) => (o.InstanceType ? [share(o.InstanceType)] : []));
  const requirements = (mip?.Overrides ?? [])
    .map((o) => o.InstanceRequirements)
    .filter((r): r is NonNullable<typeof r> => !!r)
    .map((r) => ({ ...r }) as Record<string, unknown>);
  const spec = mip?.LaunchTemplateSpecification ?? g.LaunchTemplate;
  const launchTemplate: LaunchTemplateRef | undefined = spec
    ? {
        ...(spec.LaunchTemplateId ? { id: share(spec.LaunchTemplateId) } : {}),
        ...(spec.LaunchTemplateName ? { name: share(spec.LaunchTemplateName) } : {}),
        version: share(spec.Version ?? '$Default'),
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
    ...(g.LaunchConfigurationName ? { launchConfigurationName: share(g.LaunchConfigurationName) } : {}),
    availabilityZones: (g.AvailabilityZones ?? []).map(share).sort(),
    tags,
    propagatedTagKeys: propagated.sort(),
    ...(requirements.length && !overrides.length ? { instanceRequirements: requirements } : {}),
  };
}
