/** The node groups the Cluster Autoscaler will discover for a cluster. */
import { type AwsClients, validateClusterName } from '@eks-kit/core';
import { autoDiscoveryFilters, describeGroupsByTags } from './find-groups.js';
import { resolveInstanceTypes } from './instance-types.js';
import type { NodeGroup } from './node-group.js';

/**
 * The groups auto-discovery finds (`asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/<cluster>`):
 * server-side tag filters, 100 groups per call, each with min/max/desired, its instance types
 * (mixed instances policy, launch template or launch configuration) and its tags. Like the
 * autoscaler, it ignores tag values: `checkAutoscalerSetup` says when a value breaks the IAM condition.
 *
 * @example
 * ```ts
 * const groups = await discoverNodeGroups(clients, { cluster: 'prod' });
 * for (const g of groups) console.log(g.name, `${g.minSize}-${g.maxSize}`, g.instanceTypes.join(','));
 * ```
 */
export async function discoverNodeGroups(
  clients: AwsClients,
  input: { cluster: string; resolveInstanceTypes?: boolean },
): Promise<NodeGroup[]> {
  const cluster = validateClusterName(input?.cluster, 'cluster');
  const groups = await describeGroupsByTags(clients, autoDiscoveryFilters(cluster));
  groups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return input.resolveInstanceTypes === false ? groups : resolveInstanceTypes(clients, groups);
}
