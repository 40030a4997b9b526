/** Names the stack implies when the file does not set them. One place, so apply, check and render agree. */
import { STACK_TAG_KEY } from '@eks-kit/core';
import { clusterAutoscalerServiceAccountName } from '@eks-kit/helm-values';
import type { Stack } from '../schema/stack-schema.js';

/**
 * The autoscaler's IAM role name: `autoscaler.roleName`, else `<stack>-cluster-autoscaler` (never
 * truncated: the loader refuses a stack name that makes it longer than 64, see derived-names.ts).
 *
 * @example
 * ```ts
 * autoscalerRoleName(stack); // 'seed-cluster-autoscaler'
 * ```
 */
export function autoscalerRoleName(stack: Stack): string {
  return stack.autoscaler?.roleName ?? `${stack.name}-cluster-autoscaler`;
}

/**
 * The GitLab build pod's IAM role name: `gitlab.runner.roleName`, else `<stack>-gitlab-build` (never
 * truncated, see derived-names.ts).
 *
 * @example
 * ```ts
 * runnerRoleName(stack); // 'seed-gitlab-build'
 * ```
 */
export function runnerRoleName(stack: Stack): string {
  return stack.gitlab?.runner.roleName ?? `${stack.name}-gitlab-build`;
}

/**
 * The autoscaler's Kubernetes service account: `autoscaler.serviceAccount`, else the chart's
 * default `<release>-aws-cluster-autoscaler`, by helm-values' rule (docs/AWS-FACTS.md#autoscaler-helm-chart: the IRSA `sub`
 * must match the name the chart gives the service account).
 *
 * @example
 * ```ts
 * autoscalerServiceAccount(stack); // 'cluster-autoscaler-aws-cluster-autoscaler'
 * ```
 */
export function autoscalerServiceAccount(stack: Stack): string {
  const a = stack.autoscaler;
  return clusterAutoscalerServiceAccountName(
    a?.release ?? 'cluster-autoscaler',
    undefined,
    a?.serviceAccount ? { serviceAccountName: a.serviceAccount } : {},
  );
}

/**
 * Every repository the stack implies: each listed one, plus `<name>/cache` for kaniko's
 * `--cache-repo` where `cache: true`.
 *
 * @example
 * ```ts
 * stackRepositoryNames(stack); // ['seed/app', 'seed/app/cache']
 * ```
 */
export function stackRepositoryNames(stack: Stack): string[] {
  return stack.repositories.flatMap((r) => (r.cache ? [r.name, `${r.name}/cache`] : [r.name]));
}

/**
 * Tags for every resource eks-kit creates: the stack's `tags` plus `eks-kit:stack=<name>`.
 *
 * @example
 * ```ts
 * stackTags(stack); // { team: 'platform', 'eks-kit:stack': 'seed' }
 * ```
 */
export function stackTags(stack: Stack): Record<string, string> {
  return { ...(stack.tags ?? {}), [STACK_TAG_KEY]: stack.name };
}
