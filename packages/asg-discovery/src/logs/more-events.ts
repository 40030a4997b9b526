/**
 * The log lines users ask about most upstream (issue 19), each matched from its real shape; the
 * source of every shape is in test/fixtures/diagnoses.klog.log, beside the line, and in the README:
 *
 * - scale-down blockers, `[Fast evaluation: ][Nn]ode <node> cannot be removed: <reason>`
 *   (simulator/cluster.go; reasons from utils/drain and simulator/drainability/rules), and
 *   `node <node> is not suitable for removal: failed to find place for <pod>` (no room elsewhere);
 * - balancing, `nodes <a> and <b> are not similar, labels do not match` (nodegroupset/compare_nodegroups.go);
 * - capacity and Spot failures: `Instance group <asg> cannot provision any more nodes!`, `Failed adding <n>
 *   nodes (...) to group <asg> due to OutOfResource.<code>`, `Disabling scale-up for node group <asg> until
 *   ...; errorClass=OutOfResource; errorCode=<code>`, `instance i-placeholder-... is detected as a
 *   placeholder`, and any line carrying EC2's `InsufficientInstanceCapacity` / `UnfulfillableCapacity`;
 * - credentials, `NoCredentialProviders: no valid providers in chain`;
 * - `Skipping node group <asg> - max size reached` (core/scaleup).
 */
import type { AutoscalerEvent, EventOrigin } from './events.js';

/** Why a node cannot be scaled down. */
export type ScaleDownBlockReason =
  | 'kube-system-pod-without-pdb'
  | 'local-storage'
  | 'not-safe-to-evict'
  | 'pdb'
  | 'not-replicated'
  | 'no-place-to-move'
  | 'other';

// `Fast evaluation: node X cannot be removed: ...` (<= 1.2x), `Node X cannot be removed: ...` (newer),
// `node-a cannot be removed: ...` (1.31 as quoted in autoscaler#7907).
const CANNOT_REMOVE_RE =
  /^(?:(?:Fast|Detailed) evaluation: )?(?:[Nn]ode )?"?([\w.:-]+)"? cannot be removed: (.*)$/;
const NO_PLACE_RE =
  /^(?:(?:Fast|Detailed) evaluation: )?[Nn]ode "?([\w.:-]+)"? is not suitable for removal:? ((?:failed to find place for|can reschedule only) .*)$/;
const NOT_SIMILAR_RE = /^nodes "?(\S+?)"? and "?(\S+?)"? are not similar,? (.*)$/;
const MAX_SIZE_RE = /Skipping node group "?([^\s"]+)"? - max size reached/;
const CANNOT_PROVISION_RE = /Instance group "?([^\s"]+)"? cannot provision any more nodes/;
const FAILED_ADDING_RE = /Failed adding (\d+) nodes? .*?to group "?([^\s"]+?)"? due to ([\w.-]+)/;
const DISABLING_RE =
  /Disabling scale-up for node group "?([^\s"]+?)"? until .*?errorClass=(\w+);? errorCode=([\w.-]+)/;
const PLACEHOLDER_RE = /instance "?(i-placeholder-\S+?)"? is detected as a placeholder/;
const EC2_CAPACITY_RE =
  /\b(InsufficientInstanceCapacity|UnfulfillableCapacity|MaxSpotInstanceCountExceeded)\b/;

/** The node group of a template node name, `template-node-for-<group>-<hash>` (AWS provider). */
export function groupOfTemplateNode(node: string): string {
  if (!node.startsWith('template-node-for-')) return node;
  const rest = node.slice('template-node-for-'.length);
  return /^(.+)-\d{6,}(?:-upcoming-\d+)?$/.exec(rest)?.[1] ?? rest;
}

const BLOCK_REASONS: ReadonlyArray<[RegExp, ScaleDownBlockReason]> = [
  [/non-pdb-assigned kube-system pod present:? (\S+)/, 'kube-system-pod-without-pdb'],
  [/pod with local storage present:? (\S+)/, 'local-storage'],
  [/pod annotated as not safe to evict present:? (\S+)/, 'not-safe-to-evict'],
  [/not enough pod disruption budget to move (\S+)/, 'pdb'],
  [/^(\S+) is not replicated/, 'not-replicated'],
  [/failed to find place for (\S+)/, 'no-place-to-move'],
  [/can reschedule only()/, 'no-place-to-move'],
];

function blockReason(detail: string): { reason: ScaleDownBlockReason; pod?: string } {
  for (const [re, reason] of BLOCK_REASONS) {
    const m = re.exec(detail);
    if (m) return m[1] ? { reason, pod: m[1] } : { reason };
  }
  return { reason: 'other' };
}

/**
 * The event of one of the lines above, or undefined (the caller then tries the older shapes).
 *
 * @example
 * ```ts
 * interpretAskedMost('Skipping node group ng-a - max size reached', { line: 1, level: 'I', timeMs: 0 });
 * // { type: 'group-at-max', group: 'ng-a', line: 1, level: 'I', timeMs: 0 }
 * ```
 */
export function interpretAskedMost(msg: string, origin: EventOrigin): AutoscalerEvent | undefined {
  if (/NoCredentialProviders/.test(msg))
    return { ...origin, type: 'error', kind: 'no-credentials', message: msg };
  const blocked = CANNOT_REMOVE_RE.exec(msg) ?? NO_PLACE_RE.exec(msg);
  if (blocked) {
    const detail = blocked[2]!.trim();
    const { reason, pod } = blockReason(detail);
    return {
      ...origin,
      type: 'scale-down-blocked',
      node: blocked[1]!,
      reason,
      ...(pod ? { pod } : {}),
      detail,
    };
  }
  const notSimilar = NOT_SIMILAR_RE.exec(msg);
  if (notSimilar) {
    const nodes: [string, string] = [notSimilar[1]!, notSimilar[2]!];
    return {
      ...origin,
      type: 'not-similar',
      nodes,
      groups: [groupOfTemplateNode(nodes[0]), groupOfTemplateNode(nodes[1])],
      reason: notSimilar[3]!.trim(),
    };
  }
  const atMax = MAX_SIZE_RE.exec(msg);
  if (atMax) return { ...origin, type: 'group-at-max', group: atMax[1]! };
  const placeholder = PLACEHOLDER_RE.exec(msg);
  if (placeholder) {
    // i-placeholder-<asg>-<n>
    const group = /^i-placeholder-(.+)-\d+$/.exec(placeholder[1]!)?.[1];
    return {
      ...origin,
      type: 'error',
      kind: 'capacity',
      code: 'placeholder',
      message: msg,
      ...(group ? { group } : {}),
    };
  }
  const cannot = CANNOT_PROVISION_RE.exec(msg);
  if (cannot)
    return {
      ...origin,
      type: 'error',
      kind: 'capacity',
      code: 'cannot-provision',
      message: msg,
      group: cannot[1]!,
    };
  const failedAdding = FAILED_ADDING_RE.exec(msg);
  if (failedAdding && /^OutOfResource/.test(failedAdding[3]!)) {
    const ec2 = EC2_CAPACITY_RE.exec(msg)?.[1];
    return {
      ...origin,
      type: 'error',
      kind: 'capacity',
      code: ec2 ?? failedAdding[3]!.replace(/^OutOfResource\./, ''),
      message: msg,
      group: failedAdding[2]!,
    };
  }
  const disabling = DISABLING_RE.exec(msg);
  if (disabling) {
    const outOfResource = disabling[2] === 'OutOfResource';
    return {
      ...origin,
      type: 'error',
      kind: outOfResource ? 'capacity' : 'backoff',
      message: msg,
      group: disabling[1]!,
      ...(outOfResource ? { code: EC2_CAPACITY_RE.exec(msg)?.[1] ?? disabling[3]! } : {}),
    };
  }
  const ec2 = EC2_CAPACITY_RE.exec(msg);
  if (ec2) {
    const group = /(?:node group|group|asg|ASG) "?([\w.:/-]+?)"?(?:[\s:;,]|$)/.exec(msg)?.[1];
    return {
      ...origin,
      type: 'error',
      kind: 'capacity',
      code: ec2[1]!,
      message: msg,
      ...(group ? { group } : {}),
    };
  }
  return undefined;
}
