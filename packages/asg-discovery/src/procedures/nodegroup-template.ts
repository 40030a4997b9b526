/**
 * Node templates read where they are defined (issue 19 item 1): an EKS managed node group's labels
 * and taints (eks:DescribeNodegroup, found by the Auto Scaling group's `eks:nodegroup-name` tag), and
 * the kubelet flags `--node-labels` / `--register-with-taints` in the launch template's user data
 * (AL2 bootstrap.sh `--kubelet-extra-args`, AL2023 nodeadm `kubelet.flags`, or any script that passes them).
 */
import { DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { DescribeNodegroupCommand, type Nodegroup } from '@aws-sdk/client-eks';
import { type AwsClients, EksKitError, wrapAwsError } from '@eks-kit/core';
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

/** `{ 'nvidia.com/gpu': 'n' }` when every type has n NVIDIA GPUs (the device plugin's resource), else undefined. */
async function gpuResources(
  clients: AwsClients,
  types: readonly string[],
): Promise<Record<string, string> | undefined> {
  if (types.length === 0) return undefined;
  let info: Awaited<ReturnType<typeof describeInstanceTypes>>;
  try {
    info = await describeInstanceTypes(clients, [...types]);
  } catch {
    return undefined; // a type EC2 does not know here: no resources rather than no template
  }
  if (info.length !== new Set(types).size) return undefined;
  const counts = new Set(info.map((t) => (t.gpus?.manufacturer === 'NVIDIA' ? t.gpus.count : 0)));
  const [count] = [...counts];
  return counts.size === 1 && count ? { 'nvidia.com/gpu': String(count) } : undefined;
}

/**
 * Read each group's node template where it is defined: the EKS managed node group (labels, taints)
 * and the launch template's user data (kubelet flags; they win over the node group's labels, as the
 * kubelet applies them last), plus `nvidia.com/gpu` from the instance types when each has the same
 * number of NVIDIA GPUs. Groups with none of these are left out. Read calls only
 * (eks:DescribeNodegroup, ec2:DescribeLaunchTemplateVersions, ec2:DescribeInstanceTypes).
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
  const out = new Map<string, ReadNodeTemplate>();
  const resolved = new Map(
    (await resolveInstanceTypes(clients, [...input.groups])).map((g) => [g.name, g.instanceTypes]),
  );
  for (const group of input.groups) {
    const labels: Record<string, string> = {};
    const taints: Record<string, string> = {};
    const sources: string[] = [];
    let types = resolved.get(group.name) ?? group.instanceTypes;
    const ngName = group.tags[EKS_NODEGROUP_NAME_TAG_KEY];
    if (ngName) {
      const eks = await clients.eks();
      try {
        const { nodegroup } = await eks.send(
          new DescribeNodegroupCommand({ clusterName: input.cluster, nodegroupName: ngName }),
        );
        if (nodegroup) {
          if (nodegroup.instanceTypes?.length && types.length === 0) types = nodegroup.instanceTypes;
          const t = nodeTemplateFromNodegroup(nodegroup);
          Object.assign(labels, t.labels);
          Object.assign(taints, t.taints);
          sources.push(`eks nodegroup ${ngName}`);
        }
      } catch (error) {
        if ((error as { name?: string }).name !== 'ResourceNotFoundException')
          throw wrapAwsError(error, 'eks:DescribeNodegroup', `${input.cluster}/${ngName}`);
      }
    }
    const userData = await userDataOf(clients, group);
    if (userData) {
      const flags = kubeletFlagsFromUserData(userData);
      if (Object.keys(flags.labels).length + Object.keys(flags.taints).length > 0) {
        Object.assign(labels, flags.labels);
        Object.assign(taints, flags.taints);
        const lt = group.launchTemplate;
        sources.push(`launch template ${lt?.name ?? lt?.id} version ${lt?.version} user data`);
      }
    }
    const resources = await gpuResources(clients, types);
    if (resources) sources.push(`instance types ${types.join(', ')}`);
    if (sources.length)
      out.set(group.name, { template: { labels, taints, ...(resources ? { resources } : {}) }, sources });
  }
  return out;
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
