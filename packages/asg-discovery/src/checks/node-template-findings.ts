/** Node-template tags against what the nodes will really carry (issue 19 item 1). */
import { type AwsClients, type Finding, finding } from '@eks-kit/core';
import { NODE_TEMPLATE_TAG_PREFIX } from '../builders/tags.js';
import type { NodeGroup } from '../procedures/node-group.js';
import { type ReadNodeTemplate, readNodeTemplates } from '../procedures/nodegroup-template.js';

/**
 * Does the group carry a node-template label or taint tag (the groups {@link nodeTemplateFindings}
 * compares)? Internal to the package's checks.
 *
 * @example
 * ```ts
 * hasNodeTemplateTags({ ...group, tags: { 'k8s.io/cluster-autoscaler/node-template/label/role': 'gpu' } }); // true
 * ```
 */
export function hasNodeTemplateTags(group: NodeGroup): boolean {
  return Object.keys(group.tags).some(
    (k) =>
      k.startsWith(`${NODE_TEMPLATE_TAG_PREFIX}label/`) || k.startsWith(`${NODE_TEMPLATE_TAG_PREFIX}taint/`),
  );
}

/**
 * `autoscaler.node-template` findings: a node-template label or taint tag whose value differs from
 * the label or taint the node group really sets (EKS managed node group, launch template user data)
 * is a `fail` naming both values: the autoscaler plans scale-from-zero with the tag, the scheduler
 * places pods by the real node. Groups without node-template tags, or whose template is defined
 * nowhere eks-kit reads, get no finding. Read calls only.
 *
 * @example
 * ```ts
 * for (const f of await nodeTemplateFindings(clients, 'prod', groups)) console.log(f.status, f.message);
 * // fail node-template tag k8s.io/cluster-autoscaler/node-template/label/role=gpu, but eks nodegroup gpu sets role=ml
 * ```
 */
export async function nodeTemplateFindings(
  clients: AwsClients,
  cluster: string,
  groups: readonly NodeGroup[],
): Promise<Finding[]> {
  const tagged = groups.filter(hasNodeTemplateTags);
  if (tagged.length === 0) return [];
  return nodeTemplateFindingsFrom(tagged, await readNodeTemplates(clients, { cluster, groups: tagged }));
}

/**
 * {@link nodeTemplateFindings} with the templates already read (`read` holds at least the tagged
 * groups'). Internal to the package's checks.
 *
 * @example
 * ```ts
 * const read = await readNodeTemplates(clients, { cluster: 'prod', groups });
 * nodeTemplateFindingsFrom(groups.filter(hasNodeTemplateTags), read);
 * ```
 */
export function nodeTemplateFindingsFrom(
  groups: readonly NodeGroup[],
  read: ReadonlyMap<string, ReadNodeTemplate>,
): Finding[] {
  const tagged = groups.filter(hasNodeTemplateTags);
  const out: Finding[] = [];
  for (const group of tagged) {
    const real = read.get(group.name);
    if (!real) continue;
    const resource = `autoscaling group ${group.name}`;
    const from = real.sources.join(' and ');
    const disagreements: string[] = [];
    for (const [key, value] of Object.entries(group.tags)) {
      const kind = key.startsWith(`${NODE_TEMPLATE_TAG_PREFIX}label/`)
        ? 'label'
        : key.startsWith(`${NODE_TEMPLATE_TAG_PREFIX}taint/`)
          ? 'taint'
          : undefined;
      if (!kind) continue;
      const name = key.slice(`${NODE_TEMPLATE_TAG_PREFIX}${kind}/`.length);
      const actual = kind === 'label' ? real.template.labels[name] : real.template.taints[name];
      if (actual !== undefined && actual !== value)
        disagreements.push(`${key}=${value}, but ${from} sets ${kind} ${name}=${actual}`);
    }
    out.push(
      disagreements.length
        ? finding(
            'autoscaler.node-template',
            resource,
            'fail',
            `node-template tag ${disagreements.join('; tag ')}: scale-from-zero decisions use the tag, pods land by the real ${disagreements.length > 1 ? 'values' : 'value'}`,
            {
              hint: `set autoscaler.nodeTemplates.${group.name}: from-nodegroup (or correct the tag) and run eks-kit apply`,
              data: { disagreements },
            },
          )
        : finding(
            'autoscaler.node-template',
            resource,
            'ok',
            `node-template labels and taints agree with ${from}`,
          ),
    );
  }
  return out;
}
