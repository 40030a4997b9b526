/** ensureAutoDiscoveryTags: tag the selected worker groups for auto-discovery (and scale from zero). */
import { type AutoScalingClient, CreateOrUpdateTagsCommand, type Tag } from '@aws-sdk/client-auto-scaling';
import {
  type AwsClients,
  adoptChange,
  applyPlan,
  type Change,
  deadlineOf,
  decideOwnership,
  EksKitError,
  type EnsureOptions,
  type EnsureResult,
  InvalidInputError,
  ownEntries,
  type PlannedChange,
  STACK_TAG_KEY,
  setOwn,
  validateClusterName,
  validateTagValue,
} from '@eks-kit/core';
import {
  type AsgTag,
  autoDiscoveryTags,
  ENABLED_TAG_KEY,
  type NodeTemplate,
  nodeTemplateTags,
} from '../builders/tags.js';
import { forEachSelectedGroup, type NodeGroupSelector, validateSelector } from './find-groups.js';
import type { NodeGroup } from './node-group.js';

/** Tags per CreateOrUpdateTags call (the per-group limit is 50 tags). */
export const TAG_BATCH_SIZE = 50;

/** Auto Scaling's quota of tags on one group (docs/AWS-FACTS.md#auto-scaling-tags-per-group): a plan that would pass it is refused. */
export const MAX_TAGS_PER_GROUP = 50;

/** Input of {@link ensureAutoDiscoveryTags}. */
export interface EnsureAutoDiscoveryTagsInput {
  cluster: string;
  /** Which groups (default: EKS's own cluster tags). */
  select?: NodeGroupSelector;
  /** Node templates by group name, for groups that scale from zero. */
  nodeTemplates?: Record<string, NodeTemplate>;
  /** Stack name: groups get `eks-kit:stack=<stack>` so checks and a future destroy know whose tags these are. */
  stack?: string;
}

/** What {@link ensureAutoDiscoveryTags} returns. */
export interface EnsureAutoDiscoveryTagsResult extends EnsureResult {
  /** Names of the selected groups. */
  groups: string[];
}

/** The desired tags of one group: discovery tags, node-template tags, stack tag. */
function desiredTags(
  cluster: string,
  template: NodeTemplate | undefined,
  field: string,
  stack?: string,
): AsgTag[] {
  return [
    ...autoDiscoveryTags(cluster),
    ...(template ? nodeTemplateTags(template, field) : []),
    ...(stack !== undefined ? [{ key: STACK_TAG_KEY, value: stack, propagateAtLaunch: false }] : []),
  ];
}

/** What to change on a group, with a one-line summary per tag. */
function planGroup(group: NodeGroup, desired: AsgTag[]): { tags: Tag[]; notes: string[] } {
  const tags: Tag[] = [];
  const notes: string[] = [];
  for (const want of desired) {
    const have = Object.hasOwn(group.tags, want.key) ? group.tags[want.key] : undefined;
    if (have === want.value) continue;
    // Keep the group's own PropagateAtLaunch on an update; new autoscaler tags are ASG-only.
    const propagate =
      have === undefined ? want.propagateAtLaunch : group.propagatedTagKeys.includes(want.key);
    tags.push({
      ResourceId: group.name,
      ResourceType: 'auto-scaling-group',
      Key: want.key,
      Value: want.value,
      PropagateAtLaunch: propagate,
    });
    if (have === undefined) notes.push(`add ${want.key}=${want.value}`);
    else if (want.key === ENABLED_TAG_KEY)
      notes.push(
        `fix ${want.key}: "${have}" -> "${want.value}" (discovery ignores the value, but the IAM condition on SetDesiredCapacity needs exactly "true"; kops writes "1")`,
      );
    else notes.push(`change ${want.key}: "${have}" -> "${want.value}"`);
  }
  return { tags, notes };
}

/**
 * Tag the selected worker groups `k8s.io/cluster-autoscaler/enabled=true` and
 * `k8s.io/cluster-autoscaler/<cluster>=owned` (plus node-template tags), in batched
 * CreateOrUpdateTags calls. Reads first and writes only what differs; fixes values the IAM tag
 * condition would refuse (kops' `enabled=1`) and says so in the change summary. Never removes tags.
 *
 * Ownership (with `stack`, core's `decideOwnership`): each group also gets `eks-kit:stack=<stack>`
 * (on the group, PropagateAtLaunch=false, so instances do not inherit it). A group tagged for
 * another stack is refused (`OwnedByAnotherStack`), one without the tag (made by hand) is refused
 * (`NotOwnedByStack`) unless `options.adopt` is set; a dry run shows it as an `adopt:` change. A
 * group that would pass Auto Scaling's 50-tag quota is refused (`TooManyTags`). All of these are
 * found for every group before the first CreateOrUpdateTags call.
 *
 * @example
 * ```ts
 * const { changes } = await ensureAutoDiscoveryTags(clients, {
 *   cluster: 'prod',
 *   select: { namePrefix: 'eks-workers-' },
 *   nodeTemplates: { 'eks-gpu': { labels: { role: 'gpu' }, taints: { dedicated: 'gpu:NoSchedule' } } },
 * }, { dryRun: true });
 * console.log(renderChanges(changes));
 * ```
 */
export async function ensureAutoDiscoveryTags(
  clients: AwsClients,
  input: EnsureAutoDiscoveryTagsInput,
  options: EnsureOptions = {},
): Promise<EnsureAutoDiscoveryTagsResult> {
  const { cluster, select, templateTags } = validateTagsInput(input);
  const deadline = deadlineOf(options);
  options.signal?.throwIfAborted();
  // The pages are planned as they arrive and dropped: what is kept per group is its name, its changes
  // and the tags still to write. Every refusal (ownership, the tag quota) is found for every group
  // before the first write. Instances are not asked for: tags are all this reads.
  const planned: Array<{ name: string; changes: Change[]; tags: Tag[] }> = [];
  // Groups tagged alike get the same summary text: one copy of it, not one per group (issue 21).
  const summaries = new Map<string, string>();
  const defaults = desiredTags(cluster, undefined, '', input.stack);
  await forEachSelectedGroup(
    clients,
    { cluster, select },
    (group) => {
      const desired = templateTags.get(group.name) ?? defaults;
      const plan = planGroupChanges(group, desired, input.stack, options);
      for (const change of plan.changes) {
        const known = summaries.get(change.summary);
        if (known !== undefined) change.summary = known;
        else if (summaries.size < 1024) summaries.set(change.summary, change.summary);
      }
      planned.push({ name: group.name, ...plan });
    },
    { includeInstances: false },
  );
  planned.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = refuseUnselected(
    cluster,
    planned.map((p) => p.name),
    templateTags,
  );
  const steps: PlannedChange[] = planned.flatMap((p) => p.changes.map((change) => ({ change })));
  const batch = planned.flatMap((p) => p.tags);
  planned.length = 0;
  if (!options.dryRun && batch.length > 0) {
    const asg = await clients.autoScaling();
    for (let i = 0; i < batch.length; i += TAG_BATCH_SIZE)
      steps.push(batchStep(asg, batch.slice(i, i + TAG_BATCH_SIZE)));
  }
  const { changes } = await applyPlan(steps, { ...options, deadline });
  return { changes, groups: names };
}

/** One CreateOrUpdateTags call (at most {@link TAG_BATCH_SIZE} tags), announced as `tags-applied`. */
function batchStep(asg: AutoScalingClient, chunk: Tag[]): PlannedChange {
  const resources = [...new Set(chunk.map((t) => t.ResourceId))];
  return {
    operation: 'autoscaling:CreateOrUpdateTags',
    target: resources.join(','),
    apply: () => asg.send(new CreateOrUpdateTagsCommand({ Tags: chunk })),
    event: {
      type: 'tags-applied',
      message: `tagged ${resources.length} group(s): ${chunk.length} tag(s)`,
      resource: resources.join(','),
    },
  };
}

/** The checked input (no AWS call): cluster, selector, and every node template's tags. */
function validateTagsInput(input: EnsureAutoDiscoveryTagsInput): {
  cluster: string;
  select: NodeGroupSelector | undefined;
  templateTags: Map<string, AsgTag[]>;
} {
  if (!input || typeof input !== 'object') throw new InvalidInputError('input', input, 'an object');
  const cluster = validateClusterName(input.cluster, 'cluster');
  const select = validateSelector(input.select, 'select');
  if (input.stack !== undefined) validateTagValue(input.stack, 'stack');
  const templates = input.nodeTemplates ?? {};
  if (typeof templates !== 'object' || Array.isArray(templates))
    throw new InvalidInputError('nodeTemplates', templates, 'a map of group names to node templates');
  // Validate every template before the first AWS call.
  const templateTags = new Map<string, AsgTag[]>();
  for (const [name, template] of ownEntries(templates, 'nodeTemplates'))
    templateTags.set(name, desiredTags(cluster, template, `nodeTemplates.${name}`, input.stack));
  return { cluster, select, templateTags };
}

/** Refuses an empty selection and node templates for groups it does not include; answers the names. */
function refuseUnselected(
  cluster: string,
  names: string[],
  templateTags: ReadonlyMap<string, AsgTag[]>,
): string[] {
  if (names.length === 0)
    throw new EksKitError(
      'NoNodeGroups',
      `the selection matched no Auto Scaling group for cluster ${cluster}`,
      {
        hint: 'select groups by names or namePrefix; EKS managed node groups carry eks:cluster-name',
      },
    );
  const selected = new Set(names);
  const unknown = [...templateTags.keys()].filter((n) => !selected.has(n));
  if (unknown.length)
    throw new EksKitError(
      'NodeGroupNotSelected',
      `nodeTemplates names groups the selection does not include: ${unknown.join(', ')}`,
      { hint: 'add them to select, or fix the names' },
    );
  return names;
}

/**
 * One group's changes (the adoption, then the tags) and the tags to write, after the ownership rule
 * (core's decideOwnership) and Auto Scaling's quota of tags per group.
 */
function planGroupChanges(
  group: NodeGroup,
  desired: AsgTag[],
  stack: string | undefined,
  options: EnsureOptions,
): { changes: Change[]; tags: Tag[] } {
  const resource = `autoscaling group ${group.name}`;
  const adopting =
    stack !== undefined &&
    decideOwnership({
      resource,
      tags: group.tags,
      stack,
      adopt: options.adopt,
      dryRun: options.dryRun,
      retag: `aws autoscaling create-or-update-tags --tags ResourceId=${group.name},ResourceType=auto-scaling-group,Key=${STACK_TAG_KEY},Value=${stack},PropagateAtLaunch=false`,
    }).adopting;
  const { tags, notes } = planGroup(group, desired);
  const keys = new Set([...Object.keys(group.tags), ...tags.map((t) => t.Key ?? '')]);
  if (keys.size > MAX_TAGS_PER_GROUP)
    throw new EksKitError(
      'TooManyTags',
      `${resource} would carry ${keys.size} tags with the autoscaler's; Auto Scaling allows ${MAX_TAGS_PER_GROUP} per group`,
      {
        hint: `remove ${keys.size - MAX_TAGS_PER_GROUP} tag(s) nobody needs from the group (aws autoscaling delete-tags), or fewer node-template labels/taints`,
      },
    );
  const changes: Change[] =
    adopting && stack !== undefined ? [adoptChange(resource, stack, options.adopt)] : [];
  // Adopting, the stack tag is the adopt change's: a tag change is added only for the other tags
  // (issue 21: a group whose only missing tag was eks-kit:stack got a second change, summary empty).
  const notesLeft = adopting ? notes.filter((n) => !n.startsWith(`add ${STACK_TAG_KEY}=`)) : notes;
  if (tags.length === 0 || notesLeft.length === 0) return { changes, tags };
  const before: Record<string, string> = {};
  const after: Record<string, string> = {};
  for (const t of tags) {
    const have = Object.hasOwn(group.tags, t.Key!) ? group.tags[t.Key!] : undefined;
    if (have !== undefined) setOwn(before, t.Key!, have);
    setOwn(after, t.Key!, t.Value!);
  }
  changes.push({
    action: 'tag',
    resource,
    summary: notesLeft.join('; '),
    before,
    after,
  });
  return { changes, tags };
}
