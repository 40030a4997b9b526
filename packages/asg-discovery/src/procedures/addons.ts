/** EKS add-ons a cluster has installed (DescribeAddon). */
import {
  type AwsClients,
  clusterNotFoundError,
  isNotFoundError,
  validateClusterName,
  wrapAwsError,
} from '@eks-kit/core';

/** EKS add-on names eks-kit reads (EKS user guide, "Amazon EKS add-ons"). */
export const METRICS_SERVER_ADDON = 'metrics-server';
/** The agent EKS Pod Identity needs on the nodes (EKS user guide, "Set up the EKS Pod Identity Agent"). */
export const POD_IDENTITY_AGENT_ADDON = 'eks-pod-identity-agent';

/** An installed add-on. */
export interface ClusterAddon {
  name: string;
  status: string;
  version: string | undefined;
}

/**
 * The add-on `addonName` of a cluster, or undefined when it is not installed (DescribeAddon's
 * ResourceNotFoundException). A cluster that does not exist is `ClusterNotFound`, worded as
 * everywhere else.
 *
 * @example
 * ```ts
 * const agent = await describeClusterAddon(clients, 'prod', 'eks-pod-identity-agent');
 * if (!agent) console.log('install the eks-pod-identity-agent add-on');
 * ```
 */
export async function describeClusterAddon(
  clients: AwsClients,
  cluster: string,
  addonName: string,
  signal?: AbortSignal,
): Promise<ClusterAddon | undefined> {
  const name = validateClusterName(cluster, 'cluster');
  const eks = await clients.eks();
  // Loaded here, not at the top: a program that never calls EKS does not load its package (issue 21).
  const { DescribeAddonCommand } = await import('@aws-sdk/client-eks');
  try {
    const out = await eks.send(
      new DescribeAddonCommand({ clusterName: name, addonName }),
      signal ? { abortSignal: signal } : {},
    );
    return {
      name: out.addon?.addonName ?? addonName,
      status: out.addon?.status ?? 'UNKNOWN',
      version: out.addon?.addonVersion,
    };
  } catch (error) {
    if (isNotFoundError(error)) {
      // EKS answers ResourceNotFoundException for both; its message names which is missing.
      const message = (error as { message?: string }).message ?? '';
      if (/^No addon/i.test(message)) return undefined;
      throw clusterNotFoundError(name, clients.region, error);
    }
    throw wrapAwsError(error, 'eks:DescribeAddon', `${name}/${addonName}`);
  }
}
