/**
 * The chart's default service account name. Defined here until @eks-kit/helm-values exports
 * `clusterAutoscalerServiceAccountName(release)`; then this file re-exports it (one rule, one place).
 */
import { InvalidInputError } from '@eks-kit/core';

/** The chart's default release name. */
export const DEFAULT_RELEASE_NAME = 'cluster-autoscaler';
/** The namespace the chart is installed in by default. */
export const DEFAULT_NAMESPACE = 'kube-system';

const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The service account the `cluster-autoscaler` chart creates: `<release>-aws-cluster-autoscaler`
 * (AWS-FACTS.md; the IRSA `sub` must match it).
 *
 * @example
 * ```ts
 * clusterAutoscalerServiceAccountName();          // 'cluster-autoscaler-aws-cluster-autoscaler'
 * clusterAutoscalerServiceAccountName('ca');      // 'ca-aws-cluster-autoscaler'
 * ```
 */
export function clusterAutoscalerServiceAccountName(release: string = DEFAULT_RELEASE_NAME): string {
  if (typeof release !== 'string' || release.length > 53 || !DNS_LABEL_RE.test(release))
    throw new InvalidInputError(
      'release',
      release,
      'a Helm release name: up to 53 lowercase letters, digits or -',
    );
  return `${release}-aws-cluster-autoscaler`;
}

/**
 * Check a Kubernetes namespace or service account name (DNS-1123 subdomain, at most 253 chars).
 *
 * @example
 * ```ts
 * validateKubernetesName('kube-system', 'namespace'); // 'kube-system'
 * ```
 */
export function validateKubernetesName(value: unknown, field: string): string {
  if (
    typeof value !== 'string' ||
    value.length > 253 ||
    !value.split('.').every((label) => label.length <= 63 && DNS_LABEL_RE.test(label))
  )
    throw new InvalidInputError(field, value, 'a Kubernetes name: lowercase letters, digits, - and .');
  return value;
}
