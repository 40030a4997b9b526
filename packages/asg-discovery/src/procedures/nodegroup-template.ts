/**
 * Node templates read where they are defined (issue 19 item 1): an EKS managed node group's labels
 * and taints (eks:DescribeNodegroup, found by the Auto Scaling group's `eks:nodegroup-name` tag), and
 * the kubelet flags `--node-labels` / `--register-with-taints` in the launch template's user data
 * (AL2 bootstrap.sh `--kubelet-extra-args`, AL2023 nodeadm `kubelet.flags`, or any script that passes them).
 */
// Types only: the EC2 and EKS packages are loaded where a call needs them (issue 21).
import type { Nodegroup } from '@aws-sdk/client-eks';
import { type AwsClients, EksKitError, mapConcurrent, wrapAwsError } from '@eks-kit/core';
import type { InstanceTypeInfo } from '../builders/pod-fit.js';
import { EKS_NODEGROUP_NAME_TAG_KEY, type NodeTemplate } from '../builders/tags.js';
import { describeInstanceTypes, resolveInstanceTypes } from './instance-types.js';
import type { NodeGroup } from './node-group.js';

/** Labels EKS itself puts on every node of a managed node group (EKS user guide, managed node groups). */
export const EKS_MANAGED_NODE_LABELS = ['eks.amazonaws.com/nodegroup', 'eks.amazonaws.com/capacityType'];

const EKS_EFFECTS: Record<string, 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule'> = {
  NO_SCHEDULE: 'NoSchedule',
  NO_EXECUTE: 'NoExecute',
  PREFER_NO_SCHEDULE: 'PreferNoSchedule',
};

/** A node template and where each part came from. */
export interface ReadNodeTemplate {
  template: NodeTemplate & {
    labels: Record<string, string>;
    taints: Record<string, string>;
    /** `nvidia.com/gpu` when every instance type of the group has the same number of NVIDIA GPUs. */
    resources?: Record<string, string>;
  };
  /** `eks nodegroup <name>`, `launch template <name> version <v> user data`. */
  sources: string[];
}

/**
 * Labels and taints the kubelet flags in a user data script set (`--node-labels=k=v,...`,
 * `--register-with-taints=k=v:Effect,...`; later flags win). Unparsable items are left out.
 *
 * @example
 * ```ts
 * kubeletFlagsFromUserData('/etc/eks/bootstrap.sh prod --kubelet-extra-args "--node-labels=role=gpu --register-with-taints=gpu=true:NoSchedule"');
 * // { labels: { role: 'gpu' }, taints: { gpu: 'true:NoSchedule' } }
 * ```
 */
export function kubeletFlagsFromUserData(userData: string): {
  labels: Record<string, string>;
  taints: Record<string, string>;
} {
  const labels: Record<string, string> = {};
  const taints: Record<string, string> = {};
  const items = (flag: string): string[] =>
    [...userData.matchAll(new RegExp(`--${flag}[= ]([^\\s"'\\\\]+)`, 'g'))].flatMap((m) =>
      (m[1] ?? '').split(','),
    );
  for (const item of items('node-labels')) {
    const at = item.indexOf('=');
    if (at > 0) labels[item.slice(0, at)] = item.slice(at + 1);
  }
  for (const item of items('register-with-taints')) {
    const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|NoExecute|PreferNoSchedule)$/.exec(item);
    if (m) taints[m[1]!] = `${m[2] ?? ''}:${m[3]}`;
  }
  return { labels, taints };
}

/**
 * The template of an EKS managed node group as DescribeNodegroup returns it: its labels plus the two
 * EKS puts on every node, its taints with the effect spelled as Kubernetes does.
 *
 * @example
 * ```ts
 * nodeTemplateFromNodegroup({ nodegroupName: 'gpu', capacityType: 'SPOT', labels: { role: 'gpu' }, taints: [{ key: 'gpu', value: 'true', effect: 'NO_SCHEDULE' }] });
 * // { labels: { role: 'gpu', 'eks.amazonaws.com/nodegroup': 'gpu', 'eks.amazonaws.com/capacityType': 'SPOT' }, taints: { gpu: 'true:NoSchedule' } }
 * ```
 */
export function nodeTemplateFromNodegroup(
  ng: Pick<Nodegroup, 'nodegroupName' | 'capacityType' | 'labels' | 'taints'>,
): { labels: Record<string, string>; taints: Record<string, string> } {
  const labels: Record<string, string> = { ...(ng.labels ?? {}) };
  if (ng.nodegroupName) labels['eks.amazonaws.com/nodegroup'] = ng.nodegroupName;
  labels['eks.amazonaws.com/capacityType'] = ng.capacityType ?? 'ON_DEMAND';
  const taints: Record<string, string> = {};
  for (const t of ng.taints ?? []) {
    const effect = t.effect ? EKS_EFFECTS[t.effect] : undefined;
    if (t.key && effect) taints[t.key] = `${t.value ?? ''}:${effect}`;
  }
  return { labels, taints };
}

async function userDataOf(clients: AwsClients, group: NodeGroup): Promise<string | undefined> {
  const lt = group.launchTemplate;
  if (!lt) return undefined;
  const ec2 = await clients.ec2();
  const { DescribeLaunchTemplateVersionsCommand } = await import('@aws-sdk/client-ec2');
  try {
    const out = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        ...(lt.id ? { LaunchTemplateId: lt.id } : { LaunchTemplateName: lt.name }),
        Versions: [lt.version],
      }),
    );
    const data = out.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.UserData;
    return data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
  } catch (error) {
    // A template or version that no longer exists: no user data to read (discovery reports it).
    if (String((error as { name?: string }).name).startsWith('InvalidLaunchTemplate')) return undefined;
    throw wrapAwsError(error, 'ec2:DescribeLaunchTemplateVersions', lt.id ?? lt.name ?? group.name);
  }
}

/** The instance types' sizes, one DescribeInstanceTypes for every group's types (undefined: EC2 does not know one). */
async function instanceTypeInfo(
  clients: AwsClients,
  types: readonly string[],
): Promise<Map<string, InstanceTypeInfo> | undefined> {
  if (types.length === 0) return new Map();
  try {
    return new Map((await describeInstanceTypes(clients, [...types])).map((t) => [t.instanceType, t]));
  } catch {
    return undefined; // a type EC2 does not know here: no resources rather than no template
  }
}

/** `{ 'nvidia.com/gpu': 'n' }` when every type has n NVIDIA GPUs (the device plugin's resource), else undefined. */
function gpuResources(
  info: Awaited<ReturnType<typeof instanceTypeInfo>>,
  types: readonly string[],
): Record<string, string> | undefined {
  if (types.length === 0 || !info) return undefined;
  const known = [...new Set(types)].map((t) => info.get(t));
  if (known.some((t) => t === undefined)) return undefined;
  const counts = new Set(known.map((t) => (t?.gpus?.manufacturer === 'NVIDIA' ? t.gpus.count : 0)));
  const [count] = [...counts];
  return counts.size === 1 && count ? { 'nvidia.com/gpu': String(count) } : undefined;
}

/** One group's EKS node group and user data, read at once (neither needs the other). */
async function readGroupSources(
  clients: AwsClients,
  cluster: string,
  group: NodeGroup,
): Promise<{ nodegroup: Nodegroup | undefined; userData: string | undefined }> {
  const ngName = group.tags[EKS_NODEGROUP_NAME_TAG_KEY];
  const nodegroup = async (): Promise<Nodegroup | undefined> => {
    if (!ngName) return undefined;
    const eks = await clients.eks();
    const { DescribeNodegroupCommand } = await import('@aws-sdk/client-eks');
    try {
      return (await eks.send(new DescribeNodegroupCommand({ clusterName: cluster, nodegroupName: ngName })))
        .nodegroup;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceNotFoundException')
        throw wrapAwsError(error, 'eks:DescribeNodegroup', `${cluster}/${ngName}`);
      return undefined;
    }
  };
  const [ng, userData] = await Promise.all([nodegroup(), userDataOf(clients, group)]);
  return { nodegroup: ng, userData };
}

/** What one read of some groups found: what the checks share (issue 21: one DescribeInstanceTypes a check). */
export interface GroupDetails {
  /** The groups as given, their instance types resolved (launch template, launch configuration, requirements). */
  resolved: NodeGroup[];
  /** The node template of each group that defines one (see {@link readNodeTemplates}). */
  templates: Map<string, ReadNodeTemplate>;
  /**
   * Sizes of the groups' instance types and of `alsoDescribe`, from one DescribeInstanceTypes; undefined
   * when EC2 refused that call (a type it does not know here).
   */
  instanceTypes: Map<string, InstanceTypeInfo> | undefined;
}

/**
 * {@link readNodeTemplates}, keeping what it read on the way: the resolved groups and the sizes of every
 * instance type, asked in one DescribeInstanceTypes with `alsoDescribe` (the types another check needs,
 * e.g. a mixed-instances group's), so one check run asks EC2 once. Internal to the package's checks.
 *
 * @example
 * ```ts
 * const details = await readGroupDetails(clients, { cluster: 'prod', groups, alsoDescribe: ['m6i.large'] });
 * details.instanceTypes?.get('m6i.large')?.vCpus; // 2 (undefined when EC2 refused the call)
 * ```
 */
export async function readGroupDetails(
  clients: AwsClients,
  input: { cluster: string; groups: readonly NodeGroup[]; alsoDescribe?: readonly string[] },
): Promise<GroupDetails> {
  const templates = new Map<string, ReadNodeTemplate>();
  const [resolvedGroups, sources] = await Promise.all([
    resolveInstanceTypes(clients, [...input.groups]),
    mapConcurrent(input.groups, 8, (group) => readGroupSources(clients, input.cluster, group)),
  ]);
  const resolved = new Map(resolvedGroups.map((g) => [g.name, g.instanceTypes]));
  const typesOf = input.groups.map((group, i) => {
    const types = resolved.get(group.name) ?? group.instanceTypes;
    const ng = sources[i]?.nodegroup;
    return types.length === 0 && ng?.instanceTypes?.length ? ng.instanceTypes : types;
  });
  const all = [...new Set([...typesOf.flat(), ...(input.alsoDescribe ?? [])])];
  const batch = await instanceTypeInfo(clients, all);
  // A type EC2 refuses fails the whole call: then each group is asked alone, so one group's unknown
  // type leaves only that group without resources (as before the batch).
  const perGroup = batch
    ? undefined
    : await mapConcurrent(typesOf, 8, (types) => instanceTypeInfo(clients, [...new Set(types)]));
  input.groups.forEach((group, i) => {
    const labels: Record<string, string> = {};
    const taints: Record<string, string> = {};
    const from: string[] = [];
    const { nodegroup, userData } = sources[i] ?? {};
    const types = typesOf[i] ?? [];
    if (nodegroup) {
      const t = nodeTemplateFromNodegroup(nodegroup);
      Object.assign(labels, t.labels);
      Object.assign(taints, t.taints);
      from.push(`eks nodegroup ${group.tags[EKS_NODEGROUP_NAME_TAG_KEY]}`);
    }
    if (userData) {
      const flags = kubeletFlagsFromUserData(userData);
      if (Object.keys(flags.labels).length + Object.keys(flags.taints).length > 0) {
        Object.assign(labels, flags.labels);
        Object.assign(taints, flags.taints);
        const lt = group.launchTemplate;
        from.push(`launch template ${lt?.name ?? lt?.id} version ${lt?.version} user data`);
      }
    }
    const resources = gpuResources(batch ?? perGroup?.[i], types);
    if (resources) from.push(`instance types ${types.join(', ')}`);
    if (from.length)
      templates.set(group.name, {
        template: { labels, taints, ...(resources ? { resources } : {}) },
        sources: from,
      });
  });
  return { resolved: resolvedGroups, templates, instanceTypes: batch };
}

/**
 * Read each group's node template where it is defined: the EKS managed node group (labels, taints)
 * and the launch template's user data (kubelet flags; they win over the node group's labels, as the
 * kubelet applies them last), plus `nvidia.com/gpu` from the instance types when each has the same
 * number of NVIDIA GPUs. Groups with none of these are left out. Read calls only
 * (eks:DescribeNodegroup, ec2:DescribeLaunchTemplateVersions, ec2:DescribeInstanceTypes). The groups
 * are read at once, and the instance types of all of them in one DescribeInstanceTypes (issue 22: two
 * calls deep, however many groups).
 *
 * @example
 * ```ts
 * const groups = await findNodeGroups(clients, { cluster: 'prod', select: { namePrefix: 'eks-' } });
 * const read = await readNodeTemplates(clients, { cluster: 'prod', groups });
 * read.get('eks-gpu-4ec6a1b2')?.template; // { labels: { role: 'gpu', ... }, taints: { 'nvidia.com/gpu': 'true:NoSchedule' } }
 * ```
 */
export async function readNodeTemplates(
  clients: AwsClients,
  input: { cluster: string; groups: readonly NodeGroup[] },
): Promise<Map<string, ReadNodeTemplate>> {
  return (await readGroupDetails(clients, input)).templates;
}

/**
 * The templates for `autoscaler.nodeTemplates.<group>: from-nodegroup`: one per named group, or an
 * error naming the group whose template is defined nowhere eks-kit can read.
 *
 * @example
 * ```ts
 * const templates = await nodeTemplatesFromNodegroups(clients, { cluster: 'prod', groups, names: ['eks-gpu-4ec6a1b2'] });
 * await ensureAutoDiscoveryTags(clients, { cluster: 'prod', nodeTemplates: templates });
 * ```
 */
export async function nodeTemplatesFromNodegroups(
  clients: AwsClients,
  input: { cluster: string; groups: readonly NodeGroup[]; names: readonly string[] },
): Promise<Record<string, NodeTemplate>> {
  const byName = new Map(input.groups.map((g) => [g.name, g]));
  const missing = input.names.filter((n) => !byName.has(n));
  if (missing.length)
    throw new EksKitError(
      'NodeGroupNotSelected',
      `from-nodegroup names groups the selection does not include: ${missing.join(', ')}`,
      { hint: 'use the Auto Scaling group names that autoscaler.workerGroups selects' },
    );
  const read = await readNodeTemplates(clients, {
    cluster: input.cluster,
    groups: input.names.map((n) => byName.get(n)!),
  });
  const out: Record<string, NodeTemplate> = {};
  for (const name of input.names) {
    const r = read.get(name);
    if (!r)
      throw new EksKitError(
        'NoNodegroupTemplate',
        `${name}: from-nodegroup found no labels or taints: it is no EKS managed node group (no ${EKS_NODEGROUP_NAME_TAG_KEY} tag) and its launch template's user data sets no --node-labels or --register-with-taints`,
        { hint: `write autoscaler.nodeTemplates.${name} by hand (labels, taints with :effect, resources)` },
      );
    out[name] = r.template;
  }
  return out;
}
