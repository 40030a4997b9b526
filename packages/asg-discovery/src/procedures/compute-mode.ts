/**
 * Whether a cluster runs in EKS Auto Mode (EKS launches and scales the nodes itself: no Auto
 * Scaling groups to tag, no Cluster Autoscaler), read from DescribeCluster's `computeConfig`.
 */
import { type AwsClients, clusterNotFoundError, isNotFoundError, wrapAwsError } from '@eks-kit/core';

/** How a cluster's nodes are managed. */
export interface ClusterComputeMode {
  /** `computeConfig.enabled`: EKS Auto Mode. */
  autoMode: boolean;
  /** Its node pools (Auto Mode), e.g. `['general-purpose', 'system']`. */
  nodePools: string[];
}

/**
 * Read the cluster's compute mode (EKS DescribeCluster `computeConfig`). A cluster that answers no
 * `computeConfig` (before Auto Mode existed) is not in Auto Mode.
 *
 * @example
 * ```ts
 * const mode = await readComputeMode(clients, 'prod');
 * if (mode.autoMode) console.log('EKS scales the nodes: no Cluster Autoscaler here');
 * ```
 */
export async function readComputeMode(
  clients: AwsClients,
  cluster: string,
  options: { signal?: AbortSignal } = {},
): Promise<ClusterComputeMode> {
  const eks = await clients.eks();
  // Loaded here, not at the top: a program that never calls EKS does not load its package (issue 21).
  const { DescribeClusterCommand } = await import('@aws-sdk/client-eks');
  try {
    const out = await eks.send(
      new DescribeClusterCommand({ name: cluster }),
      options.signal ? { abortSignal: options.signal } : {},
    );
    const compute = out.cluster?.computeConfig;
    return { autoMode: compute?.enabled === true, nodePools: [...(compute?.nodePools ?? [])] };
  } catch (error) {
    if (isNotFoundError(error)) throw clusterNotFoundError(cluster, clients.region, error);
    throw wrapAwsError(error, 'eks:DescribeCluster', cluster);
  }
}
