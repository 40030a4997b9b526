/**
 * removeAutoDiscoveryTags and deletePodIdentityAssociation (issue 16): undo what a stack wrote on
 * the cluster side. Worker groups are never deleted: only the tags the stack writes on them go.
 */
import { DeleteTagsCommand } from '@aws-sdk/client-auto-scaling';
import { DeletePodIdentityAssociationCommand } from '@aws-sdk/client-eks';
import {
  type AwsClients,
  absentResult,
  applyPlan,
  type Change,
  type DeleteOptions,
  type DeleteResult,
  isNotFoundError,
  keepUnlessOwned,
  type PlannedChange,
  STACK_TAG_KEY,
  validateClusterName,
  validateTagValue,
} from '@eks-kit/core';
import { clusterOwnedTagKey, ENABLED_TAG_KEY, NODE_TEMPLATE_TAG_PREFIX } from '../builders/tags.js';
import { TAG_BATCH_SIZE } from './ensure-tags.js';
import { describeGroupsByTags } from './find-groups.js';
import { findPodIdentityAssociation } from './pod-identity.js';

/** What {@link removeAutoDiscoveryTags} did, group by group. */
export interface RemoveAutoDiscoveryTagsResult {
  changes: Change[];
  /** The groups whose tags were (or, in a dry run, would be) removed. */
  groups: string[];
}

/**
 * The tag keys a stack writes on a worker group for a cluster that the group carries, the stack tag last.
 *
 * @example
 * ```ts
 * stackWrittenTagKeys('prod', { 'eks-kit:stack': 'prod', 'k8s.io/cluster-autoscaler/enabled': 'true', team: 'web' });
 * // ['k8s.io/cluster-autoscaler/enabled', 'eks-kit:stack']
 * ```
 */
export function stackWrittenTagKeys(cluster: string, tags: Readonly<Record<string, string>>): string[] {
  const owned = clusterOwnedTagKey(cluster);
  return Object.keys(tags)
    .filter(
      (k) =>
        k === ENABLED_TAG_KEY || k === owned || k.startsWith(NODE_TEMPLATE_TAG_PREFIX) || k === STACK_TAG_KEY,
    )
    .sort((a, b) => Number(a === STACK_TAG_KEY) - Number(b === STACK_TAG_KEY) || a.localeCompare(b));
}

/**
 * Remove, from every Auto Scaling group tagged `eks-kit:stack=<stack>`, the tags the stack wrote:
 * `k8s.io/cluster-autoscaler/enabled`, `k8s.io/cluster-autoscaler/<cluster>`, the node-template
 * tags and, last in the same batch, `eks-kit:stack` itself. Groups are never deleted; other tags
 * are left alone; groups without the stack tag or tagged for another stack are not touched (one
 * DescribeAutoScalingGroups filtered on the stack tag finds them). A second run finds no group and
 * makes no mutating call. Within a group the stack tag goes last, so a run killed half-way still
 * finds the group next time. With `dryRun`, only the read is made.
 *
 * @example
 * ```ts
 * const { changes, groups } = await removeAutoDiscoveryTags(clients, { cluster: 'prod', stack: 'prod' }, { dryRun: true });
 * ```
 */
export async function removeAutoDiscoveryTags(
  clients: AwsClients,
  input: { cluster: string; stack: string },
  options: DeleteOptions = {},
): Promise<RemoveAutoDiscoveryTagsResult> {
  const cluster = validateClusterName(input?.cluster, 'cluster');
  const stack = validateTagValue(input.stack, 'stack');
  const groups = await describeGroupsByTags(clients, [{ Name: `tag:${STACK_TAG_KEY}`, Values: [stack] }]);
  const steps: PlannedChange[] = [];
  const names: string[] = [];
  const asg = await clients.autoScaling();
  for (const group of groups.sort((a, b) => a.name.localeCompare(b.name))) {
    if (keepUnlessOwned(group.name, group.tags, stack)) continue;
    const keys = stackWrittenTagKeys(cluster, group.tags);
    const deleteTags = async (): Promise<void> => {
      for (let i = 0; i < keys.length; i += TAG_BATCH_SIZE) {
        options.signal?.throwIfAborted();
        const Tags = keys
          .slice(i, i + TAG_BATCH_SIZE)
          .map((Key) => ({ ResourceId: group.name, ResourceType: 'auto-scaling-group', Key }));
        await asg.send(new DeleteTagsCommand({ Tags }));
      }
    };
    steps.push({
      change: {
        action: 'untag',
        resource: `autoscaling group ${group.name}`,
        summary: `remove ${keys.join(', ')} (the group stays)`,
        before: Object.fromEntries(keys.map((k) => [k, group.tags[k]])),
      },
      operation: 'autoscaling:DeleteTags',
      target: group.name,
      apply: deleteTags,
    });
    names.push(group.name);
  }
  const { changes } = await applyPlan(steps, options);
  return { changes, groups: names };
}

/**
 * Delete the EKS Pod Identity association of a service account when it is tagged
 * `eks-kit:stack=<stack>`; an untagged or foreign one is kept untouched, a missing one is `absent`
 * (a rerun makes no mutating call). The role it names is not touched (deleteRole does that).
 *
 * @example
 * ```ts
 * await deletePodIdentityAssociation(clients, { cluster: 'prod', namespace: 'kube-system', serviceAccount: 'cluster-autoscaler', stack: 'prod' });
 * ```
 */
export async function deletePodIdentityAssociation(
  clients: AwsClients,
  input: { cluster: string; namespace: string; serviceAccount: string; stack: string },
  options: DeleteOptions = {},
): Promise<DeleteResult> {
  const cluster = validateClusterName(input?.cluster, 'cluster');
  validateTagValue(input.stack, 'stack');
  const resource = `eks pod identity association ${cluster}/${input.namespace}/${input.serviceAccount}`;
  const found = await findPodIdentityAssociation(clients, { ...input, cluster });
  if (!found?.associationId) return absentResult(resource);
  const kept = keepUnlessOwned(resource, found.tags, input.stack);
  if (kept) return kept;
  const eks = options.dryRun ? undefined : await clients.eks();
  const change: Change = {
    action: 'delete',
    resource,
    summary: `delete association ${found.associationId} (role ${found.roleArn ?? ''})`,
  };
  const associationId = found.associationId;
  const remove = async (): Promise<void> => {
    try {
      await eks?.send(new DeletePodIdentityAssociationCommand({ clusterName: cluster, associationId }));
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
    }
  };
  const { changes } = await applyPlan(
    [{ change, operation: 'eks:DeletePodIdentityAssociation', target: resource, apply: remove }],
    options,
  );
  return { changes, resource, outcome: 'deleted' };
}
