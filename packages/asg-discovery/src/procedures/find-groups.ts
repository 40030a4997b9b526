/** Read Auto Scaling groups: by tag filters (server side, paged), by names, or by name prefix. */
import {
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  type Filter,
  paginateDescribeAutoScalingGroups,
} from '@aws-sdk/client-auto-scaling';
import {
  type AwsClients,
  EksKitError,
  InvalidInputError,
  validateClusterName,
  wrapAwsError,
} from '@eks-kit/core';
import {
  clusterOwnedTagKey,
  EKS_CLUSTER_NAME_TAG_KEY,
  ENABLED_TAG_KEY,
  kubernetesClusterTagKey,
} from '../builders/tags.js';
import { type NodeGroup, nodeGroupFromApi } from './node-group.js';

/** DescribeAutoScalingGroups' page size limit (ValidationError above it). */
export const ASG_PAGE_SIZE = 100;

/**
 * Which worker groups a user means: explicit names, a name prefix, or the tags EKS puts on managed
 * node groups (`eks:cluster-name=<cluster>` or `kubernetes.io/cluster/<cluster>`).
 */
export type NodeGroupSelector = { names: string[] } | { namePrefix: string } | { eksClusterTags: true };

/**
 * Check a selector; the default is `{ eksClusterTags: true }`.
 *
 * @example
 * ```ts
 * validateSelector({ namePrefix: 'eks-workers-' }, 'select');
 * ```
 */
export function validateSelector(value: unknown, field = 'select'): NodeGroupSelector {
  if (value === undefined) return { eksClusterTags: true };
  const expected = '{ names: [...] }, { namePrefix: "..." } or { eksClusterTags: true }';
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidInputError(field, value, expected);
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length !== 1) throw new InvalidInputError(field, value, `exactly one of ${expected}`);
  if ('names' in v) {
    if (!Array.isArray(v.names) || v.names.length === 0)
      throw new InvalidInputError(`${field}.names`, v.names, 'a non-empty list of Auto Scaling group names');
    for (const [i, n] of v.names.entries()) validateGroupName(n, `${field}.names[${i}]`);
    return { names: [...new Set(v.names as string[])] };
  }
  if ('namePrefix' in v) {
    validateGroupName(v.namePrefix, `${field}.namePrefix`);
    return { namePrefix: v.namePrefix as string };
  }
  if ('eksClusterTags' in v && v.eksClusterTags === true) return { eksClusterTags: true };
  throw new InvalidInputError(field, value, expected);
}

function validateGroupName(value: unknown, field: string): string {
  if (
    typeof value !== 'string' ||
    value.length < 1 ||
    value.length > 255 ||
    [...value].some((c) => c.charCodeAt(0) < 32)
  )
    throw new InvalidInputError(field, value, 'an Auto Scaling group name of 1-255 characters');
  return value;
}

/** Options of the paged reads. */
export interface GroupPageOptions {
  /**
   * Ask for the groups' instances (default true). `false` sends `IncludeInstances=false`: the pages
   * carry no instance details and `NodeGroup.instances` is 0 (for callers that only read tags).
   */
  includeInstances?: boolean;
}

const instancesParam = (options: GroupPageOptions) =>
  options.includeInstances === false ? { IncludeInstances: false } : {};

/**
 * Every group matching the tag filters (values OR, filters AND), 100 per call, handed over one page
 * at a time: nothing is kept once `onPage` returns, so memory does not grow with the number of groups.
 *
 * @example
 * ```ts
 * let count = 0;
 * await forEachGroupPage(clients, [{ Name: 'tag-key', Values: ['k8s.io/cluster-autoscaler/enabled'] }], (page) => {
 *   count += page.length;
 * });
 * ```
 */
export async function forEachGroupPage(
  clients: AwsClients,
  filters: Filter[],
  onPage: (groups: NodeGroup[]) => void | Promise<void>,
  options: GroupPageOptions = {},
): Promise<void> {
  const asg = await clients.autoScaling();
  const paginator = paginateDescribeAutoScalingGroups(
    { client: asg, pageSize: ASG_PAGE_SIZE },
    { Filters: filters, MaxRecords: ASG_PAGE_SIZE, ...instancesParam(options) },
  );
  for (;;) {
    let next: IteratorResult<{ AutoScalingGroups?: AutoScalingGroup[] }>;
    try {
      next = await paginator.next();
    } catch (error) {
      throw wrapAwsError(
        error,
        'autoscaling:DescribeAutoScalingGroups',
        filters.map((f) => `${f.Name}=${f.Values?.join('|')}`).join(' '),
      );
    }
    if (next.done) return;
    await onPage((next.value.AutoScalingGroups ?? []).map(nodeGroupFromApi));
  }
}

/**
 * Every group matching the tag filters (values OR, filters AND), 100 per call; with
 * `includeInstances: false` the pages carry no instance details.
 *
 * @example
 * ```ts
 * await describeGroupsByTags(clients, [{ Name: 'tag-key', Values: ['k8s.io/cluster-autoscaler/enabled'] }]);
 * ```
 */
export async function describeGroupsByTags(
  clients: AwsClients,
  filters: Filter[],
  options: GroupPageOptions = {},
): Promise<NodeGroup[]> {
  const out: NodeGroup[] = [];
  await forEachGroupPage(
    clients,
    filters,
    (page) => {
      for (const g of page) out.push(g);
    },
    options,
  );
  return out;
}

async function forEachGroupPageByNames(
  clients: AwsClients,
  names: string[],
  onPage: (groups: NodeGroup[]) => void | Promise<void>,
  options: GroupPageOptions,
): Promise<void> {
  const asg = await clients.autoScaling();
  for (let i = 0; i < names.length; i += ASG_PAGE_SIZE) {
    const chunk = names.slice(i, i + ASG_PAGE_SIZE);
    let token: string | undefined;
    do {
      let groups: AutoScalingGroup[];
      try {
        const page = await asg.send(
          new DescribeAutoScalingGroupsCommand({
            AutoScalingGroupNames: chunk,
            MaxRecords: ASG_PAGE_SIZE,
            NextToken: token,
            ...instancesParam(options),
          }),
        );
        groups = page.AutoScalingGroups ?? [];
        token = page.NextToken;
      } catch (error) {
        throw wrapAwsError(error, 'autoscaling:DescribeAutoScalingGroups', chunk.join(','));
      }
      await onPage(groups.map(nodeGroupFromApi));
    } while (token);
  }
}

/**
 * The groups a selector means, handed over one at a time as their pages arrive (in the order AWS
 * lists them, each group once), without keeping them: memory stays flat over 10,000 groups. Names
 * that do not exist are an error, raised after the last page.
 *
 * @example
 * ```ts
 * const names: string[] = [];
 * await forEachSelectedGroup(clients, { cluster: 'prod', select: { namePrefix: 'eks-workers-' } }, (g) => {
 *   names.push(g.name);
 * });
 * ```
 */
export async function forEachSelectedGroup(
  clients: AwsClients,
  input: { cluster: string; select?: NodeGroupSelector },
  onGroup: (group: NodeGroup) => void | Promise<void>,
  options: GroupPageOptions = {},
): Promise<void> {
  const cluster = validateClusterName(input?.cluster, 'cluster');
  const select = validateSelector(input.select, 'select');
  const each = async (page: NodeGroup[]) => {
    for (const g of page) await onGroup(g);
  };
  if ('names' in select) {
    const found = new Set<string>();
    await forEachGroupPageByNames(
      clients,
      select.names,
      async (page) => {
        for (const g of page) found.add(g.name);
        await each(page);
      },
      options,
    );
    const missing = select.names.filter((n) => !found.has(n));
    if (missing.length)
      throw new EksKitError('NodeGroupNotFound', `no Auto Scaling group named ${missing.join(', ')}`, {
        hint: 'check the names with: aws autoscaling describe-auto-scaling-groups --query "AutoScalingGroups[].AutoScalingGroupName"',
      });
  } else if ('namePrefix' in select) {
    await forEachGroupPage(
      clients,
      [],
      (page) => each(page.filter((g) => g.name.startsWith(select.namePrefix))),
      options,
    );
  } else {
    // A group may carry both EKS tags: hand it over once (the names seen are all that is kept).
    const seen = new Set<string>();
    const once = (page: NodeGroup[]) =>
      each(
        page.filter((g) => {
          if (seen.has(g.name)) return false;
          seen.add(g.name);
          return true;
        }),
      );
    await forEachGroupPage(
      clients,
      [{ Name: `tag:${EKS_CLUSTER_NAME_TAG_KEY}`, Values: [cluster] }],
      once,
      options,
    );
    await forEachGroupPage(
      clients,
      [{ Name: 'tag-key', Values: [kubernetesClusterTagKey(cluster)] }],
      once,
      options,
    );
  }
}

/**
 * The groups a selector means, sorted by name. Names that do not exist are an error.
 *
 * @example
 * ```ts
 * const groups = await findNodeGroups(clients, { cluster: 'prod', select: { namePrefix: 'eks-workers-' } });
 * ```
 */
export async function findNodeGroups(
  clients: AwsClients,
  input: { cluster: string; select?: NodeGroupSelector },
): Promise<NodeGroup[]> {
  const groups: NodeGroup[] = [];
  await forEachSelectedGroup(clients, input, (g) => {
    groups.push(g);
  });
  return groups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The tag filters the autoscaler's auto-discovery uses
 * (`asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/<cluster>`): both keys, values ignored.
 *
 * @example
 * ```ts
 * autoDiscoveryFilters('prod'); // [{ Name: 'tag-key', Values: ['k8s.io/cluster-autoscaler/enabled'] }, { Name: 'tag-key', Values: ['k8s.io/cluster-autoscaler/prod'] }]
 * ```
 */
export function autoDiscoveryFilters(cluster: string): Filter[] {
  return [
    { Name: 'tag-key', Values: [ENABLED_TAG_KEY] },
    { Name: 'tag-key', Values: [clusterOwnedTagKey(cluster)] },
  ];
}
