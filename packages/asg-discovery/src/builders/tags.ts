/**
 * Auto Scaling group tags the Cluster Autoscaler reads: auto-discovery tags and node-template tags
 * for scale from zero (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md).
 */
import {
  InvalidInputError,
  ownEntries,
  setOwn,
  validateClusterName,
  validateTagKey,
  validateTagValue,
} from '@eks-kit/core';

/** One Auto Scaling group tag, as CreateOrUpdateTags takes it (without the group name). */
export interface AsgTag {
  key: string;
  value: string;
  /** Copy the tag to instances the group launches. Autoscaler tags are ASG-only: false. */
  propagateAtLaunch: boolean;
}

/** Prefix of every Cluster Autoscaler tag. */
export const AUTOSCALER_TAG_PREFIX = 'k8s.io/cluster-autoscaler/';
/** The discovery tag every autoscaled group carries; the IAM condition needs the value `true`. */
export const ENABLED_TAG_KEY = 'k8s.io/cluster-autoscaler/enabled';
/** Prefix of node-template tags (scale from zero). */
export const NODE_TEMPLATE_TAG_PREFIX = 'k8s.io/cluster-autoscaler/node-template/';
/** Tag EKS puts on managed node group ASGs. */
export const EKS_CLUSTER_NAME_TAG_KEY = 'eks:cluster-name';
/** Tag naming the EKS managed node group of an ASG (the autoscaler calls eks:DescribeNodegroup with it). */
export const EKS_NODEGROUP_NAME_TAG_KEY = 'eks:nodegroup-name';

/**
 * The tag key naming the cluster that owns a group: `k8s.io/cluster-autoscaler/<cluster>`.
 *
 * @example
 * ```ts
 * clusterOwnedTagKey('prod'); // 'k8s.io/cluster-autoscaler/prod'
 * ```
 */
export function clusterOwnedTagKey(cluster: string): string {
  return `${AUTOSCALER_TAG_PREFIX}${validateClusterName(cluster, 'cluster')}`;
}

/**
 * The legacy Kubernetes cluster tag EKS and kops put on worker groups: `kubernetes.io/cluster/<cluster>`.
 *
 * @example
 * ```ts
 * kubernetesClusterTagKey('prod'); // 'kubernetes.io/cluster/prod'
 * ```
 */
export function kubernetesClusterTagKey(cluster: string): string {
  return `kubernetes.io/cluster/${validateClusterName(cluster, 'cluster')}`;
}

/**
 * The two auto-discovery tags, with the exact values the EKS best-practice IAM condition requires
 * (`true` and `owned`; docs/AWS-FACTS.md#autoscaler-iam-policy), not propagated to instances.
 *
 * @example
 * ```ts
 * autoDiscoveryTags('prod');
 * // [{ key: 'k8s.io/cluster-autoscaler/enabled', value: 'true', propagateAtLaunch: false },
 * //  { key: 'k8s.io/cluster-autoscaler/prod', value: 'owned', propagateAtLaunch: false }]
 * ```
 */
export function autoDiscoveryTags(cluster: string): AsgTag[] {
  return [
    { key: ENABLED_TAG_KEY, value: 'true', propagateAtLaunch: false },
    { key: clusterOwnedTagKey(cluster), value: 'owned', propagateAtLaunch: false },
  ];
}

/** A Kubernetes taint effect. */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** A taint the group's nodes carry: either `{ value, effect }` or the string `value:effect`. */
export type TaintInput = { value?: string; effect: TaintEffect } | string;

/** Per-group options the autoscaler reads from tags (names as in its README). */
export interface AutoscalingOptions {
  scaledownutilizationthreshold?: number | string;
  scaledowngpuutilizationthreshold?: number | string;
  scaledownunneededtime?: string;
  scaledownunreadytime?: string;
  ignoredaemonsetsutilization?: boolean | string;
}
const AUTOSCALING_OPTION_NAMES: readonly string[] = [
  'scaledownutilizationthreshold',
  'scaledowngpuutilizationthreshold',
  'scaledownunneededtime',
  'scaledownunreadytime',
  'ignoredaemonsetsutilization',
];

/** What a node of the group looks like before it exists (scale from zero). */
export interface NodeTemplate {
  /** Node labels, e.g. `{ 'node.kubernetes.io/lifecycle': 'spot' }`. */
  labels?: Record<string, string>;
  /** Taints by key, e.g. `{ dedicated: 'gpu:NoSchedule' }` or `{ dedicated: { value: 'gpu', effect: 'NoSchedule' } }`. */
  taints?: Record<string, TaintInput>;
  /** Extended resources and overrides, e.g. `{ 'nvidia.com/gpu': '1', 'ephemeral-storage': '100Gi' }`. */
  resources?: Record<string, string | number>;
  autoscalingOptions?: AutoscalingOptions;
}

const LABEL_NAME_RE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUANTITY_RE = /^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const DURATION_RE = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

function checkLabelName(name: string, field: string): void {
  if (name.length > 316 || !LABEL_NAME_RE.test(name))
    throw new InvalidInputError(field, name, 'a Kubernetes label/taint key such as example.com/role');
}

function templateTag(key: string, value: string, field: string): AsgTag {
  validateTagKey(key, field);
  validateTagValue(value, field);
  return { key, value, propagateAtLaunch: false };
}

/**
 * Node-template tags telling the autoscaler what a node of a group at size 0 will have: labels,
 * taints (`value:effect`, the effect checked: eksctl drops it, a known bug, docs/AWS-FACTS.md#autoscaler-scale-from-zero),
 * resources and per-group autoscaling options. Sorted by key.
 *
 * @example
 * ```ts
 * nodeTemplateTags({ labels: { role: 'gpu' }, taints: { dedicated: 'gpu:NoSchedule' }, resources: { 'nvidia.com/gpu': 1 } });
 * // [{ key: 'k8s.io/cluster-autoscaler/node-template/label/role', value: 'gpu', propagateAtLaunch: false },
 * //  { key: 'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu', value: '1', ... },
 * //  { key: 'k8s.io/cluster-autoscaler/node-template/taint/dedicated', value: 'gpu:NoSchedule', ... }]
 * ```
 */
export function nodeTemplateTags(template: NodeTemplate, field = 'nodeTemplate'): AsgTag[] {
  if (!template || typeof template !== 'object' || Array.isArray(template))
    throw new InvalidInputError(
      field,
      template,
      'an object with labels, taints, resources, autoscalingOptions',
    );
  const tags: AsgTag[] = [];
  for (const [name, value] of ownEntries(template.labels ?? {}, `${field}.labels`)) {
    const f = `${field}.labels.${name}`;
    checkLabelName(name, f);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE_RE.test(value))
      throw new InvalidInputError(f, value, 'a label value: up to 63 letters, digits, -, _ or .');
    tags.push(templateTag(`${NODE_TEMPLATE_TAG_PREFIX}label/${name}`, value, f));
  }
  for (const [key, taint] of ownEntries(template.taints ?? {}, `${field}.taints`)) {
    const f = `${field}.taints.${key}`;
    checkLabelName(key, f);
    tags.push(templateTag(`${NODE_TEMPLATE_TAG_PREFIX}taint/${key}`, taintValue(taint, f), f));
  }
  for (const [name, quantity] of ownEntries(template.resources ?? {}, `${field}.resources`)) {
    const f = `${field}.resources.${name}`;
    checkLabelName(name, f);
    const text = typeof quantity === 'number' ? String(quantity) : quantity;
    if (typeof text !== 'string' || !QUANTITY_RE.test(text))
      throw new InvalidInputError(f, quantity, 'a Kubernetes quantity such as 1, 500m or 100Gi');
    tags.push(templateTag(`${NODE_TEMPLATE_TAG_PREFIX}resources/${name}`, text, f));
  }
  for (const [name, raw] of ownEntries(
    (template.autoscalingOptions ?? {}) as Record<string, unknown>,
    `${field}.autoscalingOptions`,
  )) {
    const f = `${field}.autoscalingOptions.${name}`;
    if (!AUTOSCALING_OPTION_NAMES.includes(name))
      throw new InvalidInputError(f, name, `one of ${AUTOSCALING_OPTION_NAMES.join(', ')}`);
    tags.push(
      templateTag(`${NODE_TEMPLATE_TAG_PREFIX}autoscaling-options/${name}`, optionValue(name, raw, f), f),
    );
  }
  return tags.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function taintValue(taint: TaintInput, field: string): string {
  let value: string;
  let effect: string;
  if (typeof taint === 'string') {
    const at = taint.lastIndexOf(':');
    if (at < 0)
      throw new InvalidInputError(
        field,
        taint,
        'value:effect with effect NoSchedule, PreferNoSchedule or NoExecute',
        {
          hint: 'the effect is required: eksctl-style tags without it are ignored by the autoscaler',
        },
      );
    value = taint.slice(0, at);
    effect = taint.slice(at + 1);
  } else if (taint && typeof taint === 'object') {
    value = taint.value ?? '';
    effect = taint.effect;
  } else {
    throw new InvalidInputError(field, taint, 'value:effect or { value, effect }');
  }
  if (!TAINT_EFFECTS.includes(effect as TaintEffect))
    throw new InvalidInputError(`${field}.effect`, effect, 'NoSchedule, PreferNoSchedule or NoExecute');
  if (value.length > 63 || !LABEL_VALUE_RE.test(value))
    throw new InvalidInputError(
      `${field}.value`,
      value,
      'a taint value: up to 63 letters, digits, -, _ or .',
    );
  return `${value}:${effect}`;
}

function optionValue(name: string, raw: unknown, field: string): string {
  if (name.endsWith('threshold')) {
    const n = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 1)
      throw new InvalidInputError(field, raw, 'a number from 0 to 1');
    return String(n);
  }
  if (name === 'ignoredaemonsetsutilization') {
    if (raw === true || raw === 'true') return 'true';
    if (raw === false || raw === 'false') return 'false';
    throw new InvalidInputError(field, raw, 'true or false');
  }
  if (typeof raw !== 'string' || !DURATION_RE.test(raw))
    throw new InvalidInputError(field, raw, 'a Go duration such as 10m or 1h30m');
  return raw;
}

/**
 * Tags as a plain map (key -> value), e.g. to compare with a group's tags.
 *
 * @example
 * ```ts
 * tagsToMap(autoDiscoveryTags('prod')); // { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/prod': 'owned' }
 * ```
 */
export function tagsToMap(tags: readonly { key: string; value: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) setOwn(out, t.key, t.value);
  return out;
}

/**
 * True when a group's tags carry node-template tags (needed to scale a group from 0).
 *
 * @example
 * ```ts
 * hasNodeTemplateTags({ 'k8s.io/cluster-autoscaler/node-template/label/role': 'gpu' }); // true
 * ```
 */
export function hasNodeTemplateTags(tags: Record<string, string>): boolean {
  return Object.keys(tags).some((k) => k.startsWith(NODE_TEMPLATE_TAG_PREFIX));
}
