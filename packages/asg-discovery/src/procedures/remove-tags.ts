/**
 * removeAutoDiscoveryTags and deletePodIdentityAssociation (issue 16): undo what a stack wrote on
 * the cluster side. Worker groups are never deleted: only the tags the stack writes on them go.
 */
import { DeleteTagsCommand } from '@aws-sdk/client-auto-scaling';
import {
  type AwsClients,
  absentResult,
  applyPlan,
  type Change,
  compareCodeUnits,
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
    .sort((a, b) => Number(a === STACK_TAG_KEY) - Number(b === STACK_TAG_KEY) || compareCodeUnits(a, b));
}

/**
 * Remove, from every Auto Scaling group tagged `eks-kit:stack=<stack>`, the tags the stack wrote:
 * `k8s.io/cluster-autoscaler/enabled`, `k8s.io/cluster-autoscaler/<cluster>`, the node-template
 * tags and, last in the same batch, `eks-kit:stack` itself. Groups are never deleted; other tags
 * are left alone; groups without the stack tag or tagged for another stack are not touched (one
 * DescribeAutoScalingGroups filtered on the stack tag finds them). A second run finds no group and
 * makes no mutating call. The groups' tags share DeleteTags calls (50 tags a call: one call for a
 * few groups); within a group the stack tag goes last, so a run killed half-way still finds the
 * group next time. With `dryRun`, only the read is made.
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
  // Every group's tags go in as few DeleteTags calls as fit (issue 22: one call for a stack's few
  // groups), TAG_BATCH_SIZE tags per call, the same batch CreateOrUpdateTags uses (a group holds at
  // most 50 tags, docs/AWS-FACTS.md#auto-scaling-tags-per-group; the API reference, read 2026-12-06,
  // gives DeleteTags no other per-call maximum). The groups' keys are laid out one group after the
  // other, each group's stack tag last, and the calls go in order: a group's stack tag never goes
  // before its other tags, so a run killed half-way still finds the group next time.
  const tags: Array<{ ResourceId: string; ResourceType: string; Key: string }> = [];
  const sent = new Map<number, Promise<unknown>>();
  const sendBatch = (b: number): Promise<unknown> => {
    let call = sent.get(b);
    if (!call) {
      options.signal?.throwIfAborted();
      call = asg.send(
        new DeleteTagsCommand({ Tags: tags.slice(b * TAG_BATCH_SIZE, (b + 1) * TAG_BATCH_SIZE) }),
      );
      sent.set(b, call);
    }
    return call;
  };
  for (const group of groups.sort((a, b) => compareCodeUnits(a.name, b.name))) {
    if (keepUnlessOwned(group.name, group.tags, stack)) continue;
    const keys = stackWrittenTagKeys(cluster, group.tags);
    if (keys.length === 0) continue;
    const first = Math.floor(tags.length / TAG_BATCH_SIZE);
    for (const Key of keys) tags.push({ ResourceId: group.name, ResourceType: 'auto-scaling-group', Key });
    const last = Math.floor((tags.length - 1) / TAG_BATCH_SIZE);
    // The group's step sends the batches holding its tags (a batch another group's step sent is not sent again).
    const deleteTags = async (): Promise<void> => {
      for (let b = first; b <= last; b++) await sendBatch(b);
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
    // Loaded here, not at the top: a program that never calls EKS does not load its package (issue 21).
    const { DeletePodIdentityAssociationCommand } = await import('@aws-sdk/client-eks');
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
