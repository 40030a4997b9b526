/**
 * Group shapes the autoscaler cannot reason about (issue 19 item 2), each finding with the upstream
 * reason and the fix: mixed-instances groups whose types differ in size (cloudprovider/aws README
 * "Using Mixed Instances Policies and Spot Instances"), groups `--balance-similar-node-groups` will not
 * balance because their labels differ (FAQ, processors/nodegroupset), priority-expander patterns that
 * match no group and groups no pattern matches (expander/priority README).
 */
import { type AwsClients, type Finding, finding } from '@eks-kit/core';
import { differingLabels, EKS_BALANCING_IGNORE_LABELS } from '../builders/balancing.js';
import type { InstanceTypeInfo } from '../builders/pod-fit.js';
import { NODE_TEMPLATE_TAG_PREFIX } from '../builders/tags.js';
import { describeInstanceTypes } from '../procedures/instance-types.js';
import type { NodeGroup } from '../procedures/node-group.js';
import { type GroupDetails, readGroupDetails } from '../procedures/nodegroup-template.js';

/** What the autoscaler runs with, for the shape checks. */
export interface GroupShapeOptions {
  /** `--balance-similar-node-groups` is on. */
  balanceSimilarNodeGroups?: boolean;
  /** `--balancing-ignore-label` values already passed. */
  balancingIgnoreLabels?: readonly string[];
  /** The priority expander's config (priority -> name regexes), when `priority` is an expander. */
  expanderPriorities?: Readonly<Record<string, readonly string[]>>;
}

const groupResource = (name: string): string => `autoscaling group ${name}`;

/** Mixed-instances groups with more than one type: the ones whose sizes are compared. */
function mixedGroups(groups: readonly NodeGroup[]): NodeGroup[] {
  return groups.filter(
    (g) => g.instanceTypeSource === 'mixed-instances-policy' && g.instanceTypes.length > 1,
  );
}

/**
 * The instance types the mixed-instances finding compares, so that the read of the groups' templates
 * can ask for them in its one DescribeInstanceTypes (issue 21). Internal to the package's checks.
 *
 * @example
 * ```ts
 * mixedInstanceTypes(groups); // ['m5.large', 'm5.xlarge'] for one group mixing them
 * ```
 */
export function mixedInstanceTypes(groups: readonly NodeGroup[]): string[] {
  return [...new Set(mixedGroups(groups).flatMap((g) => g.instanceTypes))];
}

async function mixedInstancesFindings(
  clients: AwsClients,
  groups: readonly NodeGroup[],
  known: ReadonlyMap<string, InstanceTypeInfo> | undefined,
): Promise<Finding[]> {
  const mixed = mixedGroups(groups);
  if (mixed.length === 0) return [];
  const types = mixedInstanceTypes(groups);
  // Sizes already read with the templates answer it; else (no such read, or EC2 refused it for a
  // type it does not know) one call for the mixed groups' types, as before.
  const info =
    known && types.every((t) => known.has(t))
      ? known
      : new Map((await describeInstanceTypes(clients, types)).map((t) => [t.instanceType, t]));
  const out: Finding[] = [];
  for (const g of mixed) {
    const sizes = g.instanceTypes.map((t) => ({ t, i: info.get(t) })).filter((x) => x.i !== undefined);
    const first = sizes[0];
    if (!first?.i) continue;
    const differ = sizes.filter(
      (x) => x.i!.vCpus !== first.i!.vCpus || x.i!.memoryMiB !== first.i!.memoryMiB,
    );
    const describe = (x: (typeof sizes)[number]) => `${x.t} ${x.i!.vCpus} vCPU / ${x.i!.memoryMiB} MiB`;
    out.push(
      differ.length
        ? finding(
            'autoscaler.mixed-instances',
            groupResource(g.name),
            'warn',
            `mixed instances policy with types of different sizes: ${describe(first)}, but ${differ.map(describe).join(', ')}; the autoscaler plans every new node of the group as the first type (${first.t}), so pods may not fit the node it gets, or it adds more nodes than needed`,
            {
              hint: `list only types with the same vCPU and memory in one group (e.g. m5.xlarge, m5a.xlarge, m6i.xlarge), and put other sizes in groups of their own (cluster-autoscaler AWS README, "Using Mixed Instances Policies and Spot Instances")`,
              data: {
                types: sizes.map((x) => ({
                  instanceType: x.t,
                  vCpus: x.i!.vCpus,
                  memoryMiB: x.i!.memoryMiB,
                })),
              },
            },
          )
        : finding(
            'autoscaler.mixed-instances',
            groupResource(g.name),
            'ok',
            `mixed instances policy: every type has ${first.i.vCpus} vCPU / ${first.i.memoryMiB} MiB`,
          ),
    );
  }
  return out;
}

function balancingFindings(details: GroupDetails, ignore: readonly string[]): Finding[] {
  const { resolved, templates: read } = details;
  if (resolved.length < 2) return [];
  const labelsOf = (g: NodeGroup): Record<string, string> => {
    const labels: Record<string, string> = { ...(read.get(g.name)?.template.labels ?? {}) };
    for (const [k, v] of Object.entries(g.tags))
      if (k.startsWith(`${NODE_TEMPLATE_TAG_PREFIX}label/`))
        labels[k.slice(`${NODE_TEMPLATE_TAG_PREFIX}label/`.length)] = v;
    return labels;
  };
  const out: Finding[] = [];
  // The autoscaler only balances groups whose nodes have the same capacity: compare groups of the same types.
  const byShape = new Map<string, NodeGroup[]>();
  for (const g of resolved) {
    if (g.instanceTypes.length === 0) continue;
    const key = [...g.instanceTypes].sort().join(',');
    byShape.set(key, [...(byShape.get(key) ?? []), g]);
  }
  for (const similar of byShape.values()) {
    for (let i = 0; i < similar.length; i++)
      for (let j = i + 1; j < similar.length; j++) {
        const a = similar[i]!;
        const b = similar[j]!;
        const la = labelsOf(a);
        const lb = labelsOf(b);
        const differ = differingLabels(la, lb, ignore);
        if (differ.length === 0) continue;
        const suggested = [...new Set([...EKS_BALANCING_IGNORE_LABELS, ...differ])].filter(
          (l) => !ignore.includes(l),
        );
        out.push(
          finding(
            'autoscaler.balancing',
            `autoscaling groups ${a.name} and ${b.name}`,
            'warn',
            `--balance-similar-node-groups will not balance ${a.name} and ${b.name} (same instance types): their node labels differ: ${differ.map((l) => `${l} (${la[l] ?? 'unset'} | ${lb[l] ?? 'unset'})`).join(', ')}`,
            {
              hint: `the autoscaler balances only groups whose labels match apart from the ones it ignores; EKS labels each managed node group differently: add to extraArgs balancing-ignore-label: ${suggested.join(',')} (upstream FAQ), or make the labels equal`,
              data: { groups: [a.name, b.name], labels: differ, balancingIgnoreLabels: suggested },
            },
          ),
        );
      }
  }
  return out;
}

function priorityFindings(
  groups: readonly NodeGroup[],
  priorities: Readonly<Record<string, readonly string[]>>,
): Finding[] {
  const out: Finding[] = [];
  const matched = new Set<string>();
  for (const [priority, patterns] of Object.entries(priorities))
    for (const pattern of patterns) {
      let re: RegExp;
      try {
        re = new RegExp(pattern);
      } catch {
        out.push(
          finding(
            'autoscaler.priority-expander',
            `priority ${priority}`,
            'fail',
            `pattern ${pattern} is no valid regular expression: the priority expander fails to load its config`,
          ),
        );
        continue;
      }
      const hits = groups.filter((g) => re.test(g.name));
      for (const g of hits) matched.add(g.name);
      if (hits.length === 0)
        out.push(
          finding(
            'autoscaler.priority-expander',
            `priority ${priority}`,
            'warn',
            `pattern ${pattern} matches no discovered group (${groups.map((g) => g.name).join(', ') || 'none'}): the priority it gives is never used`,
            {
              hint: 'the priority expander matches node group names (the Auto Scaling group names, eks-<nodegroup>-<uuid> for EKS managed node groups) by regular expression: fix the pattern',
            },
          ),
        );
    }
  for (const g of groups)
    if (!matched.has(g.name))
      out.push(
        finding(
          'autoscaler.priority-expander',
          groupResource(g.name),
          'warn',
          `no priority pattern matches ${g.name}: the priority expander does not rank it, so it is only chosen when no ranked group can take the pods (then by the next expander in the list)`,
          {
            hint: `add a pattern that matches ${g.name} to the priority expander config (expanderPriorities)`,
          },
        ),
      );
  return out;
}

/**
 * The group-shape findings for the discovered groups: `autoscaler.mixed-instances`,
 * `autoscaler.balancing` (with `balanceSimilarNodeGroups`), `autoscaler.priority-expander` (with
 * `expanderPriorities`). Read calls only.
 *
 * @example
 * ```ts
 * const findings = await groupShapeFindings(clients, 'prod', groups, { balanceSimilarNodeGroups: true });
 * ```
 */
export async function groupShapeFindings(
  clients: AwsClients,
  cluster: string,
  groups: readonly NodeGroup[],
  options: GroupShapeOptions = {},
): Promise<Finding[]> {
  const details = needsGroupDetails(groups, options)
    ? await readGroupDetails(clients, { cluster, groups, alsoDescribe: mixedInstanceTypes(groups) })
    : undefined;
  return groupShapeFindingsFrom(clients, groups, options, details);
}

/**
 * Does {@link groupShapeFindings} read the groups' templates (balancing compares their labels)?
 * Internal to the package's checks.
 *
 * @example
 * ```ts
 * needsGroupDetails(groups, { balanceSimilarNodeGroups: true }); // true with two groups or more
 * ```
 */
export function needsGroupDetails(groups: readonly NodeGroup[], options: GroupShapeOptions = {}): boolean {
  return options.balanceSimilarNodeGroups === true && groups.length >= 2;
}

/**
 * {@link groupShapeFindings} on groups already read (`details` of every group when
 * {@link needsGroupDetails}, with the mixed groups' types among its sizes): checkAutoscalerSetup reads
 * once for this and the node-template findings. Internal to the package's checks.
 *
 * @example
 * ```ts
 * const details = await readGroupDetails(clients, { cluster, groups, alsoDescribe: mixedInstanceTypes(groups) });
 * const findings = await groupShapeFindingsFrom(clients, groups, { balanceSimilarNodeGroups: true }, details);
 * ```
 */
export async function groupShapeFindingsFrom(
  clients: AwsClients,
  groups: readonly NodeGroup[],
  options: GroupShapeOptions,
  details: GroupDetails | undefined,
): Promise<Finding[]> {
  const out = await mixedInstancesFindings(clients, groups, details?.instanceTypes);
  if (details && needsGroupDetails(groups, options))
    out.push(...balancingFindings(details, options.balancingIgnoreLabels ?? []));
  if (options.expanderPriorities) out.push(...priorityFindings(groups, options.expanderPriorities));
  return out;
}
