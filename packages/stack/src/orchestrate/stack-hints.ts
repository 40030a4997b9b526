/** Hints in the stack file's terms where the stack is the caller of a library check. */
import type { Finding } from '@eks-kit/core';

const GROUP_RESOURCE = /^autoscaling group (.+)$/;

/**
 * The findings with hints that name the stack file's keys instead of the library call: a group that
 * may scale from zero without node-template tags gets "add autoscaler.nodeTemplates.<group>" rather
 * than "add nodeTemplates ... to ensureAutoDiscoveryTags", and no group found gets "set
 * autoscaler.workerGroups" rather than "names or namePrefix". When `stack` already has the group's
 * node template, the hint is `eks-kit apply` (only the tags drifted). Other findings are returned
 * unchanged.
 *
 * @example
 * ```ts
 * inStackTerms(await checkAutoscalerSetup(clients, input))
 *   .find((f) => f.check === 'autoscaler.scale-from-zero')?.hint;
 * // 'add autoscaler.nodeTemplates.seed-workers-b to the stack file (labels, taints with :effect, resources), then run eks-kit apply'
 * ```
 */
export function inStackTerms(
  findings: readonly Finding[],
  stack?: { autoscaler?: { nodeTemplates?: Record<string, unknown> | undefined } | undefined },
): Finding[] {
  return findings.map((f) => {
    if (f.check === 'autoscaler.node-groups' && f.status === 'fail' && f.hint !== undefined)
      return {
        ...f,
        hint: 'set autoscaler.workerGroups in the stack file (names, prefix or clusterTags: true), then run eks-kit apply to tag the groups',
      };
    const group = GROUP_RESOURCE.exec(f.resource)?.[1];
    if (f.check !== 'autoscaler.scale-from-zero' || f.hint === undefined || group === undefined) return f;
    // The stack already has the template: only the group's tags drifted, and apply writes them.
    if (stack?.autoscaler?.nodeTemplates && Object.hasOwn(stack.autoscaler.nodeTemplates, group))
      return {
        ...f,
        hint: `the stack file has autoscaler.nodeTemplates.${group} but the group's node-template tags are missing or differ: run eks-kit apply`,
      };
    return {
      ...f,
      hint: `add autoscaler.nodeTemplates.${group} to the stack file (labels, taints with :effect, resources), then run eks-kit apply`,
    };
  });
}

/**
 * The worker group selection as the stack file says it (`autoscaler.workerGroups`): the one wording
 * of the "no group matched" error, `eks-kit autoscaler tags` and any other message naming it.
 *
 * @example
 * ```ts
 * workerGroupSelectionInStackTerms({ prefix: 'seed-workers-' }, 'seed'); // 'prefix seed-workers-'
 * workerGroupSelectionInStackTerms({ clusterTags: true }, 'seed');
 * // 'clusterTags: true (groups tagged eks:cluster-name=seed)'
 * ```
 */
export function workerGroupSelectionInStackTerms(
  groups: { names?: readonly string[] | undefined; prefix?: string | undefined },
  cluster: string,
): string {
  if (groups.names) return `names ${groups.names.join(', ')}`;
  if (groups.prefix !== undefined) return `prefix ${groups.prefix}`;
  return `clusterTags: true (groups tagged eks:cluster-name=${cluster})`;
}
