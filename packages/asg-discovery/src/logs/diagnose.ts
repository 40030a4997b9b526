/** Diagnoses with a fix for the autoscaler's failure lines (docs/AWS-FACTS.md#autoscaler-log-lines). */
import { diagnoseAskedMost } from './diagnose-more.js';
import type { AutoscalerEvent } from './events.js';

/** A recognised failure, how often it happened, and what to do. */
export interface Diagnosis {
  code:
    | 'access-denied'
    | 'web-identity'
    | 'ec2-permission'
    | 'insufficient-resource'
    | 'max-size-reached'
    | 'backoff'
    | 'scale-up-timeout'
    | 'scale-down-blocked'
    | 'not-similar'
    | 'capacity'
    | 'no-credentials'
    | 'error';
  message: string;
  fix: string;
  count: number;
  /** Line of the first occurrence. */
  firstLine: number;
  /** The denied action, the missing resource or the group, when known. */
  subject?: string;
}

/** Incremental diagnoses: {@link createDiagnoser}. */
export interface Diagnoser {
  /** Take one event; returns the diagnosis when this event created it (its first occurrence). */
  add(event: AutoscalerEvent): Diagnosis | undefined;
  /** Every diagnosis so far, in order of first appearance (live objects: counts keep growing). */
  list(): Diagnosis[];
}

/**
 * Diagnoses as events arrive, for a live log: `add` says when a new cause first shows.
 *
 * @example
 * ```ts
 * const diagnoser = createDiagnoser();
 * for (const e of events) {
 *   const first = diagnoser.add(e);
 *   if (first) console.log(first.message);
 * }
 * ```
 */
export function createDiagnoser(): Diagnoser {
  const byKey = new Map<string, Diagnosis>();
  let created: Diagnosis | undefined;
  const add = (key: string, line: number, make: () => Omit<Diagnosis, 'count' | 'firstLine'>): void => {
    const found = byKey.get(key);
    if (found) found.count++;
    else {
      created = { ...make(), count: 1, firstLine: line };
      byKey.set(key, created);
    }
  };
  const one = (e: AutoscalerEvent): void => {
    if (diagnoseAskedMost(e, add)) return;
    if (e.type === 'error') {
      switch (e.kind) {
        case 'access-denied': {
          const action = e.action ?? 'an action';
          add(`access-denied:${action}`, e.line, () => ({
            code: 'access-denied',
            subject: action,
            message: `the autoscaler's role is not allowed ${action}`,
            fix:
              action.startsWith('autoscaling:SetDesired') || action.startsWith('autoscaling:Terminate')
                ? `allow ${action} (clusterAutoscalerPolicy) and tag the group exactly k8s.io/cluster-autoscaler/enabled=true and k8s.io/cluster-autoscaler/<cluster>=owned: the IAM tag condition refuses other values (eks-kit apply sets them; ensureAutoDiscoveryTags as a library)`
                : `add ${action} to the autoscaler's policy (clusterAutoscalerPolicy lists every action it needs)`,
          }));
          break;
        }
        case 'web-identity':
          add('web-identity', e.line, () => ({
            code: 'web-identity',
            message: 'STS refused AssumeRoleWithWebIdentity: the pod cannot use its IRSA role',
            fix: "check the role's trust policy (issuer, aud sts.amazonaws.com, sub system:serviceaccount:<namespace>:<service account>), that the service account matches the chart's (<release>-aws-cluster-autoscaler) and that the cluster's IAM OIDC provider exists (eks-kit autoscaler verify, or checkAutoscalerSetup, finds each)",
          }));
          break;
        case 'ec2-permission':
          add('ec2-permission', e.line, () => ({
            code: 'ec2-permission',
            ...(e.action ? { subject: e.action } : {}),
            message: 'the autoscaler may not call EC2 (instance types / launch templates)',
            fix: 'allow ec2:DescribeInstanceTypes, ec2:DescribeLaunchTemplateVersions, ec2:DescribeImages and ec2:GetInstanceTypesFromInstanceRequirements on * (clusterAutoscalerPolicy)',
          }));
          break;
        case 'backoff':
          add(`backoff:${e.group ?? ''}`, e.line, () => ({
            code: 'backoff',
            ...(e.group ? { subject: e.group } : {}),
            message: `a scale-up of ${e.group ?? 'a group'} failed earlier; the group is in backoff`,
            fix: "read the group's scaling activities (aws autoscaling describe-scaling-activities) for the cause: capacity, quota, launch template or subnet; the autoscaler retries after the backoff",
          }));
          break;
        case 'scale-up-timeout':
          add(`scale-up-timeout:${e.group ?? ''}`, e.line, () => ({
            code: 'scale-up-timeout',
            ...(e.group ? { subject: e.group } : {}),
            message: `the new nodes of ${e.group ?? 'a group'} did not become ready in time (--max-node-provision-time, 15m by default)`,
            fix: "read the group's scaling activities (aws autoscaling describe-scaling-activities) for launch failures, then check that instances join the cluster: node role in aws-auth or an EKS access entry, bootstrap user data, subnets with free IPs and a route to the API server",
          }));
          break;
        default: {
          const aboveMax = /SetDesiredCapacity value (\d+) is above max value (\d+)/.exec(e.message);
          if (aboveMax) {
            add('max-size', e.line, () => ({
              code: 'max-size-reached',
              message: `Auto Scaling refused SetDesiredCapacity ${aboveMax[1]}: the group's max is ${aboveMax[2]}`,
              fix: 'the group max changed under the autoscaler or is too low: raise MaxSize (UpdateAutoScalingGroup); the autoscaler re-reads it on its next refresh',
            }));
            break;
          }
          add(`error:${e.message.slice(0, 80)}`, e.line, () => ({
            code: 'error',
            message: e.message,
            fix: 'read the full log line; run eks-kit autoscaler verify (checkAutoscalerSetup) for the IAM and tag set-up',
          }));
        }
      }
    } else if (e.type === 'no-scale-up') {
      for (const r of e.reasons) {
        const insufficient = /^Insufficient (\S+)/.exec(r.reason);
        if (insufficient) {
          const resource = insufficient[1]!;
          add(`insufficient:${resource}`, e.line, () => ({
            code: 'insufficient-resource',
            subject: resource,
            message: `a pod requests more ${resource} than a new node of any group offers${e.pod ? ` (${e.pod})` : ''}`,
            fix: `lower the pod's ${resource} request or add a group with a larger instance type; eks-kit autoscaler fit --cpu <request> --memory <request> (podFits as a library) shows what each type leaves after kube-reserved and DaemonSets${resource === 'cpu' || resource === 'memory' ? '' : `; for a group at 0, tag k8s.io/cluster-autoscaler/node-template/resources/${resource}`}`,
          }));
        } else if (/max node group size reached/.test(r.reason)) {
          add('max-size', e.line, () => ({
            code: 'max-size-reached',
            message: 'the groups that could run the pod are at their maximum size',
            fix: 'raise MaxSize of the group (UpdateAutoScalingGroup) or add a group; eks-kit autoscaler verify (checkAutoscalerSetup) warns on groups at max',
          }));
        }
      }
    }
  };
  return {
    add(event) {
      created = undefined;
      one(event);
      return created;
    },
    list: () => [...byKey.values()],
  };
}

/**
 * Diagnoses for failure events, one per distinct cause, in order of first appearance.
 *
 * @example
 * ```ts
 * diagnose(events).map((d) => d.code); // ['access-denied', 'insufficient-resource']
 * ```
 */
export function diagnose(events: readonly AutoscalerEvent[]): Diagnosis[] {
  const diagnoser = createDiagnoser();
  for (const e of events) diagnoser.add(e);
  return diagnoser.list();
}
