/**
 * Kubernetes and Helm names and quantities, checked before they reach a chart.
 */
import { InvalidInputError } from '@eks-kit/core';

const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Check a Helm release name: at most 53 characters (Helm's limit), lowercase letters, digits, `-`
 * and `.`, starting and ending with a letter or digit.
 *
 * @example
 * ```ts
 * validateReleaseName('cluster-autoscaler', 'releases[0].name'); // 'cluster-autoscaler'
 * ```
 */
export function validateReleaseName(value: unknown, field = 'release'): string {
  if (typeof value !== 'string' || value.length > 53 || !DNS_SUBDOMAIN_RE.test(value)) {
    throw new InvalidInputError(
      field,
      value,
      'a Helm release name: up to 53 lowercase letters, digits, - or ., starting and ending with a letter or digit',
    );
  }
  return value;
}

/**
 * Check a Kubernetes namespace (a DNS-1123 label: at most 63 lowercase letters, digits or `-`).
 *
 * @example
 * ```ts
 * validateNamespace('kube-system', 'releases[0].namespace'); // 'kube-system'
 * ```
 */
export function validateNamespace(value: unknown, field = 'namespace'): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS_LABEL_RE.test(value)) {
    throw new InvalidInputError(
      field,
      value,
      'a Kubernetes namespace: up to 63 lowercase letters, digits or -',
    );
  }
  return value;
}

/**
 * Check a Kubernetes object name such as a service account (DNS-1123 subdomain, at most 253 characters).
 *
 * @example
 * ```ts
 * validateKubernetesName('cluster-autoscaler', 'serviceAccount.name'); // 'cluster-autoscaler'
 * ```
 */
export function validateKubernetesName(value: unknown, field: string): string {
  if (
    typeof value !== 'string' ||
    value.length > 253 ||
    !DNS_SUBDOMAIN_RE.test(value) ||
    value.split('.').some((label) => label.length > 63)
  ) {
    throw new InvalidInputError(field, value, 'a Kubernetes name: lowercase letters, digits, - and .');
  }
  return value;
}

const QUANTITY_RE = /^(?:\d+(?:\.\d+)?|\.\d+)(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/**
 * Check a Kubernetes resource quantity such as `100m`, `0.5`, `600Mi` or `1Gi`.
 *
 * @example
 * ```ts
 * validateQuantity('600Mi', 'resources.requests.memory'); // '600Mi'
 * ```
 */
export function validateQuantity(value: unknown, field: string): string | number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string' || !QUANTITY_RE.test(value)) {
    throw new InvalidInputError(field, value, 'a Kubernetes quantity such as 100m, 0.5, 600Mi or 1Gi');
  }
  return value;
}

const SEMVER_RE =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Check a pinned chart version: an exact SemVer 2 version such as `9.59.0` (no ranges, so every
 * run installs the same chart).
 *
 * @example
 * ```ts
 * validateChartVersion('9.59.0', 'chartVersion'); // '9.59.0'
 * validateChartVersion('^9.0.0', 'chartVersion'); // throws InvalidInputError
 * ```
 */
export function validateChartVersion(value: unknown, field = 'chartVersion'): string {
  if (typeof value !== 'string' || !SEMVER_RE.test(value)) {
    throw new InvalidInputError(field, value, 'an exact chart version such as 9.59.0 (no ranges)');
  }
  return value;
}
