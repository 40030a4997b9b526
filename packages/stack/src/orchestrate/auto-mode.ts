/**
 * EKS Auto Mode: EKS launches and scales the nodes itself, so a Cluster Autoscaler, its group tags,
 * role and Helm release have nothing to do there. Plan, apply and render refuse them (unless the
 * stack says `autoscaler.onAutoMode: install`), and the checks replace theirs with one finding.
 */
import { type ClusterComputeMode, readComputeMode } from '@eks-kit/asg-discovery';
import { type AwsClients, EksKitError, type Finding, type FindingStatus, finding } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';

/** Check id of the finding that replaces the autoscaler's checks on an Auto Mode cluster. */
export const AUTO_MODE_CHECK = 'autoscaler.auto-mode';

/** What eks-kit still manages on an Auto Mode cluster, in words (from the stack). */
function stillManaged(stack: Stack): string {
  const parts = [
    ...(stack.certificates.length > 0 ? [`${stack.certificates.length} certificate(s)`] : []),
    ...(stack.repositories.length > 0 ? [`${stack.repositories.length} ECR repositor(ies)`] : []),
    ...(stack.gitlab ? ['the GitLab build role'] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : 'nothing else in this stack';
}

/**
 * The one finding said instead of the autoscaler's checks, tags and Helm release on an Auto Mode
 * cluster: `fail` where it blocks (plan, apply), `warn` in a check.
 *
 * @example
 * ```ts
 * autoModeFinding(stack, { autoMode: true, nodePools: ['general-purpose'] }, 'warn').message;
 * // 'cluster prod is in EKS Auto Mode (node pools general-purpose): EKS scales its nodes, the Cluster Autoscaler is not used there ...'
 * ```
 */
export function autoModeFinding(stack: Stack, mode: ClusterComputeMode, status: FindingStatus): Finding {
  const pools = mode.nodePools.length > 0 ? ` (node pools ${mode.nodePools.join(', ')})` : '';
  return finding(
    AUTO_MODE_CHECK,
    `cluster ${stack.cluster.name}`,
    status,
    `cluster ${stack.cluster.name} is in EKS Auto Mode${pools}: EKS scales its nodes, the Cluster Autoscaler is not used there, so eks-kit sets up no autoscaler tags, role or Helm release; it still manages ${stillManaged(stack)}`,
    {
      hint: 'remove the autoscaler section from the stack file (or set autoscaler.onAutoMode: install to install it anyway)',
      data: { autoMode: true, nodePools: mode.nodePools },
    },
  );
}

/**
 * The cluster's compute mode when the stack has an autoscaler it would refuse there; `undefined`
 * when there is no autoscaler, `onAutoMode: install`, the cluster is not in Auto Mode, or it does
 * not exist (what follows reports that).
 * One DescribeCluster (a read the run shares).
 *
 * @example
 * ```ts
 * const mode = await autoModeToRefuse(clients, stack);
 * if (mode) return [autoModeFinding(stack, mode, 'fail')];
 * ```
 */
export async function autoModeToRefuse(
  clients: AwsClients,
  stack: Stack,
  options: { signal?: AbortSignal } = {},
): Promise<ClusterComputeMode | undefined> {
  if (!stack.autoscaler || stack.autoscaler.onAutoMode === 'install') return undefined;
  let mode: ClusterComputeMode;
  try {
    mode = await readComputeMode(clients, stack.cluster.name, options);
  } catch (error) {
    // No such cluster: the steps and checks report it in their own terms (e.g. no worker group).
    if (error instanceof EksKitError && error.code === 'ClusterNotFound') return undefined;
    throw error;
  }
  return mode.autoMode ? mode : undefined;
}

/**
 * The error of a render that would write an autoscaler release for an Auto Mode cluster.
 *
 * @example
 * ```ts
 * throw autoModeRenderError(stack, mode); // AutoModeCluster: cluster prod is in EKS Auto Mode ...
 * ```
 */
export function autoModeRenderError(stack: Stack, mode: ClusterComputeMode): EksKitError {
  const f = autoModeFinding(stack, mode, 'fail');
  return new EksKitError('AutoModeCluster', `render refused: ${f.message}`, { hint: f.hint as string });
}
