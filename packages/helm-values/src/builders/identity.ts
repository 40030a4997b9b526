/**
 * How the autoscaler's pod gets its AWS role, and what that means for the chart's values
 * (docs/AWS-FACTS.md#iam-trust-for-pods).
 */
import { InvalidInputError, parseArn } from '@eks-kit/core';

/**
 * The identity the autoscaler's pod uses:
 * - `irsa`: IAM Roles for Service Accounts; the chart's service account is annotated
 *   `eks.amazonaws.com/role-arn`.
 * - `pod-identity`: EKS Pod Identity; nothing in the values, the role is bound by an EKS pod
 *   identity association to the chart's service account (see `clusterAutoscalerServiceAccountName`).
 * - `kube2iam` / `kiam`: the pod is annotated `iam.amazonaws.com/role`. kiam is abandoned
 *   (uswitch/kiam README) and also needs the namespace annotated `iam.amazonaws.com/permitted`.
 */
export type PodIdentity =
  | { type: 'irsa'; roleArn: string }
  | { type: 'pod-identity' }
  | { type: 'kube2iam'; roleArn: string }
  | { type: 'kiam'; roleArn: string };

/** The identity modes, in the order they are documented. */
export const POD_IDENTITY_TYPES = ['irsa', 'pod-identity', 'kube2iam', 'kiam'] as const;

/** Service account annotation IRSA reads (docs/AWS-FACTS.md#iam-trust-for-pods). */
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';
/** Pod annotation kube2iam and kiam read (docs/AWS-FACTS.md#iam-trust-for-pods). */
export const KUBE2IAM_ROLE_ANNOTATION = 'iam.amazonaws.com/role';

/** The annotations an identity adds to the chart's values. */
export interface IdentityAnnotations {
  /** For `rbac.serviceAccount.annotations`. */
  serviceAccount: Record<string, string>;
  /** For `podAnnotations`. */
  pod: Record<string, string>;
}

/**
 * Check an IAM role ARN (`arn:<partition>:iam::<account>:role/<path/>name`).
 *
 * @example
 * ```ts
 * validateRoleArn('arn:aws:iam::123456789012:role/eks-kit-demo-cluster-autoscaler', 'identity.roleArn');
 * ```
 */
export function validateRoleArn(value: unknown, field: string): string {
  const arn = parseArn(value, field);
  if (arn.service !== 'iam' || !arn.resource.startsWith('role/') || arn.resource.length <= 'role/'.length) {
    throw new InvalidInputError(field, value, 'an IAM role ARN such as arn:aws:iam::123456789012:role/name');
  }
  return value as string;
}

/**
 * The annotations an identity adds: IRSA annotates the service account, kube2iam and kiam the pod,
 * Pod Identity nothing.
 *
 * @example
 * ```ts
 * identityAnnotations({ type: 'irsa', roleArn: 'arn:aws:iam::123456789012:role/ca' });
 * // { serviceAccount: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/ca' }, pod: {} }
 * ```
 */
export function identityAnnotations(identity: unknown, field = 'identity'): IdentityAnnotations {
  if (!identity || typeof identity !== 'object' || Array.isArray(identity)) {
    throw new InvalidInputError(
      field,
      identity,
      `an identity object with type ${POD_IDENTITY_TYPES.join(', ')}`,
    );
  }
  const { type, roleArn } = identity as { type?: unknown; roleArn?: unknown };
  switch (type) {
    case 'irsa':
      return {
        serviceAccount: { [IRSA_ROLE_ANNOTATION]: validateRoleArn(roleArn, `${field}.roleArn`) },
        pod: {},
      };
    case 'pod-identity':
      return { serviceAccount: {}, pod: {} };
    case 'kube2iam':
    case 'kiam':
      return {
        serviceAccount: {},
        pod: { [KUBE2IAM_ROLE_ANNOTATION]: validateRoleArn(roleArn, `${field}.roleArn`) },
      };
    default:
      throw new InvalidInputError(`${field}.type`, type, `one of ${POD_IDENTITY_TYPES.join(', ')}`);
  }
}
