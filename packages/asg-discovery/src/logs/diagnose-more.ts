/**
 * Diagnoses for the lines of more-events.ts, each with the upstream reason and the fix (cluster-autoscaler
 * FAQ "What types of pods can prevent CA from removing a node?", "I'm running cluster with nodes in
 * multiple zones for HA purposes. Is that supported by Cluster Autoscaler?", the AWS provider README).
 */
import { EKS_BALANCING_IGNORE_LABELS } from '../builders/balancing.js';
import type { Diagnosis } from './diagnose.js';
import type { AutoscalerEvent } from './events.js';
import type { ScaleDownBlockReason } from './more-events.js';

/** Adds one occurrence of a diagnosis under `key` (created by `make` the first time). */
export type AddDiagnosis = (
  key: string,
  line: number,
  make: () => Omit<Diagnosis, 'count' | 'firstLine'>,
) => void;

const BLOCKED: Record<ScaleDownBlockReason, { message: string; fix: string }> = {
  'kube-system-pod-without-pdb': {
    message: 'a kube-system pod without a PodDisruptionBudget keeps the node',
    fix: 'give the kube-system workload a PodDisruptionBudget (kubectl -n kube-system create pdb <name> --selector <its labels> --max-unavailable 1), or annotate its pods cluster-autoscaler.kubernetes.io/safe-to-evict=true; --skip-nodes-with-system-pods=false (chart extraArgs) lets the autoscaler move every kube-system pod',
  },
  'local-storage': {
    message: 'a pod with local storage (emptyDir or hostPath) keeps the node',
    fix: 'annotate the pod cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes=<volume,...> (autoscaler 1.26+) or safe-to-evict=true when its local data may be lost, or run the autoscaler with --skip-nodes-with-local-storage=false (chart extraArgs)',
  },
  'not-safe-to-evict': {
    message: 'a pod annotated cluster-autoscaler.kubernetes.io/safe-to-evict=false keeps the node',
    fix: 'this is what the annotation asks for; remove it (or set "true") on pods that may move, e.g. once a batch job is done',
  },
  pdb: {
    message: 'a PodDisruptionBudget allows no disruption now, so its pod cannot move',
    fix: 'kubectl get pdb -A shows ALLOWED DISRUPTIONS 0: add replicas or raise maxUnavailable (a PDB with minAvailable equal to the replica count never lets a node go)',
  },
  'not-replicated': {
    message: 'a pod without a controller (no Deployment, ReplicaSet, StatefulSet or Job) keeps the node',
    fix: 'run it from a controller, or annotate it cluster-autoscaler.kubernetes.io/safe-to-evict=true if it may be deleted',
  },
  'no-place-to-move': {
    message: "no other node has room for one of the node's pods, so the node stays",
    fix: 'expected when the cluster is full; otherwise check the pod: requests, nodeSelector / affinity, topology spread and zone-bound volumes (EBS) that only this node satisfies',
  },
  other: {
    message: 'the autoscaler cannot remove a node',
    fix: 'read the reason after "cannot be removed:" in the line; the cluster-autoscaler FAQ lists what keeps a node',
  },
};

const CAPACITY_FIX =
  "EC2 had no capacity for the group's instance types in its zones (Spot pools especially): give the group more instance types of the same size (a mixed instances policy) and more subnets / zones, use capacity-optimized Spot allocation, or add an On-Demand group as a fallback with the priority expander; the autoscaler backs the group off and tries another group meanwhile";

/**
 * Add the diagnosis of an event from more-events.ts; false when the event is not one of them.
 *
 * @example
 * ```ts
 * diagnoseAskedMost(event, add); // true for scale-down-blocked, not-similar, group-at-max, capacity, no-credentials
 * ```
 */
export function diagnoseAskedMost(e: AutoscalerEvent, add: AddDiagnosis): boolean {
  switch (e.type) {
    case 'scale-down-blocked': {
      const d = BLOCKED[e.reason];
      add(`scale-down-blocked:${e.reason}`, e.line, () => ({
        code: 'scale-down-blocked',
        subject: e.reason,
        message: `${d.message} (${e.node}${e.pod ? `, pod ${e.pod}` : ''})`,
        fix: d.fix,
      }));
      return true;
    }
    case 'not-similar': {
      const [a, b] = [...e.groups].sort() as [string, string];
      add(`not-similar:${a}|${b}`, e.line, () => ({
        code: 'not-similar',
        subject: `${a} ${b}`,
        message: `--balance-similar-node-groups does not balance ${a} and ${b}: ${e.reason}`,
        fix: `the groups' node labels differ beyond what the autoscaler ignores; EKS labels each managed node group's nodes differently: pass --balancing-ignore-label for each of ${EKS_BALANCING_IGNORE_LABELS.join(', ')} and for your own per-group labels (eks-kit autoscaler verify names the labels that differ), or make the labels equal`,
      }));
      return true;
    }
    case 'group-at-max':
      add(`max-size:${e.group}`, e.line, () => ({
        code: 'max-size-reached',
        subject: e.group,
        message: `${e.group} is at its maximum size: the autoscaler skips it for scale-up`,
        fix: `raise MaxSize of ${e.group} (aws autoscaling update-auto-scaling-group --max-size, or the node group's scalingConfig) or add a group; eks-kit autoscaler verify warns on groups at max`,
      }));
      return true;
    case 'error':
      if (e.kind === 'no-credentials') {
        add('no-credentials', e.line, () => ({
          code: 'no-credentials',
          message:
            'the autoscaler found no AWS credentials (NoCredentialProviders: no valid providers in chain)',
          fix: "the pod has no role: with IRSA annotate the chart's service account eks.amazonaws.com/role-arn=<role arn> (eks-kit apply creates the role and prints the annotation) and restart the pod; with Pod Identity create the association for kube-system/<service account>; kube2iam/kiam need the pod annotation iam.amazonaws.com/role",
        }));
        return true;
      }
      if (e.kind === 'capacity') {
        const code = e.code ?? 'capacity';
        add(`capacity:${e.group ?? ''}:${code}`, e.line, () => ({
          code: 'capacity',
          subject: e.group ?? code,
          message:
            code === 'placeholder'
              ? `${e.group ?? 'a group'} did not launch a requested instance in time: the autoscaler dropped its placeholder and lowered the desired size`
              : `${e.group ?? 'a group'} could not launch instances (${code}); the autoscaler backs it off`,
          fix: CAPACITY_FIX,
        }));
        return true;
      }
      return false;
    default:
      return false;
  }
}
