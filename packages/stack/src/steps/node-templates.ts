/** `autoscaler.nodeTemplates.<group>: from-nodegroup` resolved to templates (issue 19 item 1). */
import { findNodeGroups, type NodeTemplate, nodeTemplatesFromNodegroups } from '@eks-kit/asg-discovery';
import type { AwsClients } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { workerGroupSelection } from './autoscaler.js';

/**
 * The stack's node templates with every `from-nodegroup` read from the group's EKS managed node group
 * and launch template user data (read calls only, so a plan shows the tags an apply writes).
 *
 * @example
 * ```ts
 * const templates = await resolveStackNodeTemplates(clients, stack); // { 'eks-gpu-4ec6a1b2': { labels: {...}, taints: {...} } }
 * ```
 */
export async function resolveStackNodeTemplates(
  clients: AwsClients,
  stack: Stack,
): Promise<Record<string, NodeTemplate> | undefined> {
  const templates = stack.autoscaler?.nodeTemplates;
  if (!templates) return undefined;
  const out: Record<string, NodeTemplate> = {};
  const fromNodegroup: string[] = [];
  for (const [group, t] of Object.entries(templates)) {
    if (t === 'from-nodegroup') fromNodegroup.push(group);
    else out[group] = t as NodeTemplate;
  }
  if (fromNodegroup.length) {
    const groups = await findNodeGroups(clients, {
      cluster: stack.cluster.name,
      select: workerGroupSelection(stack),
    });
    Object.assign(
      out,
      await nodeTemplatesFromNodegroups(clients, {
        cluster: stack.cluster.name,
        groups,
        names: fromNodegroup,
      }),
    );
  }
  return out;
}
