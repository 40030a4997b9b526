/** Findings for one worker group: discovery tags, IAM-condition values, headroom, scale from zero. */
import { type Finding, finding } from '@eks-kit/core';
import {
  clusterOwnedTagKey,
  EKS_NODEGROUP_NAME_TAG_KEY,
  ENABLED_TAG_KEY,
  hasNodeTemplateTags,
} from '../builders/tags.js';
import type { NodeGroup } from '../procedures/node-group.js';

/**
 * Findings for a group: `autoscaler.tags` (missing or wrong values), `autoscaler.headroom` (at max),
 * `autoscaler.scale-from-zero` (min 0 without node-template tags).
 *
 * @example
 * ```ts
 * groupFindings(group, 'prod', true).filter((f) => f.status !== 'ok');
 * ```
 */
export function groupFindings(group: NodeGroup, cluster: string, tagCondition: boolean): Finding[] {
  const resource = `autoscaling group ${group.name}`;
  const ownedKey = clusterOwnedTagKey(cluster);
  const out: Finding[] = [];
  const missing = [ENABLED_TAG_KEY, ownedKey].filter((k) => group.tags[k] === undefined);
  const fix = `run ensureAutoDiscoveryTags for ${group.name} (with a stack file: eks-kit apply)`;
  if (missing.length) {
    out.push(
      finding(
        'autoscaler.tags',
        resource,
        'fail',
        `not discovered by the autoscaler: missing ${missing.join(' and ')}`,
        {
          hint: fix,
          data: { missing },
        },
      ),
    );
  } else {
    const wrong: string[] = [];
    if (group.tags[ENABLED_TAG_KEY] !== 'true')
      wrong.push(`${ENABLED_TAG_KEY}=${group.tags[ENABLED_TAG_KEY]}`);
    if (group.tags[ownedKey] !== 'owned') wrong.push(`${ownedKey}=${group.tags[ownedKey]}`);
    if (wrong.length && tagCondition)
      out.push(
        finding(
          'autoscaler.tags',
          resource,
          'fail',
          `discovered, but the IAM tag condition refuses SetDesiredCapacity: ${wrong.join(', ')} (needs exactly true and owned)`,
          { hint: fix, data: { wrong } },
        ),
      );
    else out.push(finding('autoscaler.tags', resource, 'ok', 'tagged for auto-discovery'));
  }
  if (group.maxSize > 0 && group.desiredCapacity >= group.maxSize)
    out.push(
      finding(
        'autoscaler.headroom',
        resource,
        'warn',
        `at its maximum size (${group.desiredCapacity}/${group.maxSize}): the autoscaler cannot add nodes`,
        {
          hint: `raise MaxSize: aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${group.name} --max-size <n>`,
          data: { desired: group.desiredCapacity, max: group.maxSize },
        },
      ),
    );
  // EKS managed node groups: the autoscaler reads labels and taints with eks:DescribeNodegroup
  // (cloudprovider/aws managed_nodegroup_cache.go, named by the group's eks:nodegroup-name tag).
  const managedNodegroup = group.tags[EKS_NODEGROUP_NAME_TAG_KEY];
  if (group.minSize === 0 && !hasNodeTemplateTags(group.tags) && managedNodegroup !== undefined)
    out.push(
      finding(
        'autoscaler.scale-from-zero',
        resource,
        'ok',
        `min size 0, EKS managed node group ${managedNodegroup}: the autoscaler reads its labels and taints from EKS (eks:DescribeNodegroup); extended resources such as GPUs still need node-template resources tags`,
      ),
    );
  else if (group.minSize === 0 && !hasNodeTemplateTags(group.tags))
    out.push(
      finding(
        'autoscaler.scale-from-zero',
        resource,
        'warn',
        'min size 0 without node-template tags: at size 0 the autoscaler knows no labels, taints or extended resources of its nodes',
        {
          hint: 'add nodeTemplates for this group to ensureAutoDiscoveryTags (labels, taints with :effect, resources)',
        },
      ),
    );
  return out;
}
