/** EKS answers shared by every package that reads a cluster: one wording each. */
import { EksKitError } from './errors.js';

/**
 * The error for a cluster EKS does not know (`ResourceNotFoundException` on a cluster read), said
 * the same way by every procedure that reads the cluster (issue 17).
 *
 * @example
 * ```ts
 * if (isNotFoundError(error)) throw clusterNotFoundError('prod', clients.region, error);
 * // EksKitError ClusterNotFound: EKS cluster prod does not exist in eu-west-1
 * ```
 */
export function clusterNotFoundError(cluster: string, region: string, cause?: unknown): EksKitError {
  return new EksKitError('ClusterNotFound', `EKS cluster ${cluster} does not exist in ${region}`, {
    hint: 'check the cluster name and --region',
    ...(cause !== undefined ? { cause } : {}),
  });
}
