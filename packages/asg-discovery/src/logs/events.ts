/**
 * Interpret a Cluster Autoscaler log record as an event, from the lines that prove work or failure
 * (docs/AWS-FACTS.md#autoscaler-log-lines).
 */
import { deniedAction } from '@eks-kit/core';
import { parseGoDuration } from './go-duration.js';
import { interpretAskedMost, type ScaleDownBlockReason } from './more-events.js';
import type { LogLevel, LogRecord } from './parse-line.js';

/** Where an event came from. */
export interface EventOrigin {
  line: number;
  level: LogLevel;
  timeMs: number;
}

/** One group of a scale-up plan. */
export interface PlannedScaleUp {
  group: string;
  from: number;
  to: number;
  max: number;
}

/** Kinds of failure the reader recognises. */
export type AutoscalerErrorKind =
  | 'access-denied'
  | 'web-identity'
  | 'ec2-permission'
  | 'backoff'
  | 'scale-up-timeout'
  | 'no-credentials'
  | 'capacity'
  | 'other';

/** Something the autoscaler did or failed to do. */
export type AutoscalerEvent = EventOrigin &
  (
    | { type: 'pod-unschedulable'; pod: string }
    | { type: 'scale-up-plan'; groups: PlannedScaleUp[] }
    | { type: 'size-set'; group: string; size: number }
    | { type: 'scale-up-finished'; group: string; durationSeconds: number }
    | { type: 'node-unneeded'; node: string; unneededSeconds?: number }
    | { type: 'scale-down'; node: string; empty: boolean }
    | { type: 'instance-terminated'; instanceId: string; group?: string }
    | { type: 'no-scale-up'; pod?: string; reasons: Array<{ count: number; reason: string }> }
    | { type: 'scale-down-blocked'; node: string; reason: ScaleDownBlockReason; pod?: string; detail: string }
    | { type: 'not-similar'; nodes: [string, string]; groups: [string, string]; reason: string }
    | { type: 'group-at-max'; group: string }
    | {
        type: 'error';
        kind: AutoscalerErrorKind;
        message: string;
        action?: string;
        group?: string;
        /** For `capacity`: EC2's or the autoscaler's error code (`InsufficientInstanceCapacity`, `placeholder-cannot-be-fulfilled`, ...). */
        code?: string;
      }
  );

const POD_UNSCHEDULABLE_RE = /\bPod ([\w.-]+\/[\w.-]+) is unschedulable/;
const PLAN_RE = /Final scale-up plan: \[(.*)\]/;
const PLAN_ITEM_RE = /\{(\S+) (\d+)->(\d+) \(max: (\d+)\)\}/g;
// The core's line (executor.go) and the AWS provider's own (auto_scaling_groups.go `Setting asg %s size to %d`,
// logged for every SetDesiredCapacity, up or down).
const SIZE_SET_RE = /(?:Scale-up: setting group|Setting asg) "?([^\s"]+)"? size to (\d+)/;
const FINISHED_RE = /Scale up in group (\S+) finished successfully in (\S+)/;
const UNNEEDED_RE = /^"?([\w.-]+)"? (?:was |is )?unneeded since .*?(?:duration (\S+))?$/;
const SCALE_DOWN_EMPTY_RE = /Scale-down: removing empty node "?([\w.-]+)"?/;
const SCALE_DOWN_RE = /Scale-down: removing node "?([\w.-]+)"?/;
// The AWS provider logs the TerminateInstanceInAutoScalingGroup activity's description at V(4)
// (auto_scaling_groups.go `klog.V(4).Infof(*resp.Activity.Description)`): `Terminating EC2 instance: i-...`.
// `Terminated instance <id> in autoscaling group: <asg>` (docs/AWS-FACTS.md#autoscaler-log-lines) is kept for logs that have it.
const TERMINATING_RE = /Terminating EC2 instance: (i-[0-9a-f]+)/;
const TERMINATED_RE = /Terminated instance (i-[0-9a-f]+) in autoscaling group:? "?([\w.:/-]+)"?/;
// clusterstate.go: `Scale-up timed out for node group %v after %v` (the group's nodes did not register in time).
const SCALE_UP_TIMEOUT_RE = /Scale-up timed out for node group "?([^\s"]+)"? after (\S+)/;
const NO_SCALE_UP_RE = /pod didn't trigger scale-up(?: \([^)]*\))?: (.*)$/;
const EVENT_POD_RE = /Namespace:"([\w.-]+)", Name:"([\w.-]+)"/;
const BACKOFF_RE = /backoff after failed scale-up|is not ready for scaleup - backoff|in backoff/i;

function planFromText(text: string): PlannedScaleUp[] {
  return [...text.matchAll(PLAN_ITEM_RE)].map((g) => ({
    group: g[1]!,
    from: Number(g[2]),
    to: Number(g[3]),
    max: Number(g[4]),
  }));
}

/**
 * The structured plan of newer releases (`"Final scale-up plan" scaleUpInfos="[{ng 1->2 (max: 3)}]"`
 * in klog text; JSON `"scaleUpInfos":[{"nodeGroupId","currentSize","newSize","maxSize"}]`, nodegroupset
 * ScaleUpInfos.MarshalLog).
 */
function planFromField(value: string): PlannedScaleUp[] {
  if (!value.trimStart().startsWith('[{"')) return planFromText(value);
  try {
    const items = JSON.parse(value) as Array<Record<string, unknown>>;
    return items
      .filter((i) => typeof i.nodeGroupId === 'string')
      .map((i) => ({
        group: i.nodeGroupId as string,
        from: Number(i.currentSize),
        to: Number(i.newSize),
        max: Number(i.maxSize),
      }));
  } catch {
    return [];
  }
}

/**
 * The event a record says, or undefined when the line proves nothing we track.
 *
 * @example
 * ```ts
 * interpretRecord({ line: 1, level: 'I', timeMs: 0, message: 'Scale-up: setting group ng size to 5' });
 * // { type: 'size-set', group: 'ng', size: 5, line: 1, level: 'I', timeMs: 0 }
 * ```
 */
export function interpretRecord(record: LogRecord): AutoscalerEvent | undefined {
  const origin: EventOrigin = { line: record.line, level: record.level, timeMs: record.timeMs };
  // client-go's structured event logging: the event's text is in `message`, its object in `object`.
  const isEvent = /^Event occurred\b/.test(record.message) && record.fields?.message !== undefined;
  const msg = isEvent ? record.fields!.message! : record.message;
  const eventPod =
    isEvent && (record.fields?.kind ?? 'Pod') === 'Pod' && record.fields?.object?.includes('/')
      ? record.fields.object
      : undefined;

  const askedMost = isEvent ? undefined : interpretAskedMost(msg, origin);
  if (askedMost) return askedMost;
  const noScaleUp = NO_SCALE_UP_RE.exec(msg);
  if (noScaleUp) {
    const reasons = (noScaleUp[1] ?? '')
      .split(/,\s*/)
      .map((part) => /^(\d+)\s+(.*)$/.exec(part.trim()))
      .filter((x): x is RegExpExecArray => x !== null)
      .map((x) => ({ count: Number(x[1]), reason: (x[2] ?? '').trim() }));
    const pod = EVENT_POD_RE.exec(msg);
    const podName = eventPod ?? (pod ? `${pod[1]}/${pod[2]}` : /\bPod ([\w.-]+\/[\w.-]+)/.exec(msg)?.[1]);
    return { ...origin, type: 'no-scale-up', ...(podName ? { pod: podName } : {}), reasons };
  }
  if (/WebIdentityErr|sts:AssumeRoleWithWebIdentity/.test(msg))
    return { ...origin, type: 'error', kind: 'web-identity', message: msg };
  if (/Failed to generate AWS EC2 Instance Types|UnauthorizedOperation/.test(msg)) {
    const action = deniedAction(msg);
    return { ...origin, type: 'error', kind: 'ec2-permission', message: msg, ...(action ? { action } : {}) };
  }
  if (/AccessDenied|not authorized to perform/.test(msg)) {
    const action = deniedAction(msg);
    return { ...origin, type: 'error', kind: 'access-denied', message: msg, ...(action ? { action } : {}) };
  }
  const timedOut = SCALE_UP_TIMEOUT_RE.exec(msg);
  if (timedOut)
    return { ...origin, type: 'error', kind: 'scale-up-timeout', message: msg, group: timedOut[1]! };
  if (BACKOFF_RE.test(msg)) {
    const group = /(?:node group|group) "?([\w.:/-]+?)"?(?: -|:|,|\s|$)/.exec(msg)?.[1];
    return { ...origin, type: 'error', kind: 'backoff', message: msg, ...(group ? { group } : {}) };
  }
  const unschedulable = POD_UNSCHEDULABLE_RE.exec(msg);
  if (unschedulable) return { ...origin, type: 'pod-unschedulable', pod: unschedulable[1]! };
  const plan = PLAN_RE.exec(msg);
  const structuredPlan = /^Final scale-up plan\b/.test(msg) ? record.fields?.scaleUpInfos : undefined;
  if (plan || structuredPlan !== undefined) {
    const groups =
      structuredPlan !== undefined ? planFromField(structuredPlan) : planFromText(plan?.[1] ?? '');
    return groups.length > 0 ? { ...origin, type: 'scale-up-plan', groups } : undefined;
  }
  const sizeSet = SIZE_SET_RE.exec(msg);
  if (sizeSet) return { ...origin, type: 'size-set', group: sizeSet[1]!, size: Number(sizeSet[2]) };
  const finished = FINISHED_RE.exec(msg);
  if (finished) {
    const seconds = parseGoDuration(finished[2]!);
    return seconds === undefined
      ? undefined
      : { ...origin, type: 'scale-up-finished', group: finished[1]!, durationSeconds: seconds };
  }
  const emptyDown = SCALE_DOWN_EMPTY_RE.exec(msg);
  if (emptyDown) return { ...origin, type: 'scale-down', node: emptyDown[1]!, empty: true };
  const down = SCALE_DOWN_RE.exec(msg);
  if (down) return { ...origin, type: 'scale-down', node: down[1]!, empty: false };
  const terminating = TERMINATING_RE.exec(msg);
  if (terminating) return { ...origin, type: 'instance-terminated', instanceId: terminating[1]! };
  const terminated = TERMINATED_RE.exec(msg);
  if (terminated)
    return { ...origin, type: 'instance-terminated', instanceId: terminated[1]!, group: terminated[2]! };
  const unneeded = UNNEEDED_RE.exec(msg);
  if (unneeded) {
    const seconds = unneeded[2] ? parseGoDuration(unneeded[2]) : undefined;
    return {
      ...origin,
      type: 'node-unneeded',
      node: unneeded[1]!,
      ...(seconds !== undefined ? { unneededSeconds: seconds } : {}),
    };
  }
  if (record.level === 'E' || record.level === 'F')
    return { ...origin, type: 'error', kind: 'other', message: msg };
  return undefined;
}
