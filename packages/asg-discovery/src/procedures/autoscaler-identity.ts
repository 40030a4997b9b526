/** How the autoscaler's pod gets its role, and the trust policy each way needs. */

import {
  type AwsClients,
  clusterNotFoundError,
  EksKitError,
  InvalidInputError,
  isNotFoundError,
  type Partition,
  parseArn,
  validateClusterName,
  wrapAwsError,
} from '@eks-kit/core';
import {
  findOidcProvider,
  oidcProviderHint as iamOidcProviderHint,
  irsaTrustPolicy,
  kiamTrustPolicy,
  kube2iamTrustPolicy,
  type PolicyDocument,
  podIdentityTrustPolicy,
  validateRoleName,
} from '@eks-kit/iam-policies';
import {
  clusterAutoscalerServiceAccountName,
  DEFAULT_NAMESPACE,
  validateKubernetesName,
  validateNamespace,
} from '../builders/service-account.js';

/** How the autoscaler's pod assumes its role. kiam is abandoned (uswitch/kiam README): prefer the others. */
export type AutoscalerIdentity =
  | 'irsa'
  | 'pod-identity'
  | { kube2iam: { nodeRoleArns: string[] } }
  | { kiam: { serverRoleArn: string } };

/** Input shared by ensureClusterAutoscalerRole and checkAutoscalerSetup. */
export interface AutoscalerRoleInput {
  cluster: string;
  identity: AutoscalerIdentity;
  /** Namespace of the chart (default kube-system). */
  namespace?: string;
  /** Service account (default `<release>-aws-cluster-autoscaler`, as the chart names it). */
  serviceAccount?: string;
  /** Helm release name (default cluster-autoscaler), for the default service account. */
  release?: string;
  /** Role name (default `<cluster>-cluster-autoscaler`). */
  roleName?: string;
}

/** The input with defaults applied and checked. */
export interface ResolvedAutoscalerRole {
  cluster: string;
  identity: AutoscalerIdentity;
  namespace: string;
  serviceAccount: string;
  roleName: string;
}

/**
 * Apply defaults and validate (no AWS call).
 *
 * @example
 * ```ts
 * resolveAutoscalerRoleInput({ cluster: 'prod', identity: 'irsa' }).serviceAccount; // 'cluster-autoscaler-aws-cluster-autoscaler'
 * ```
 */
export function resolveAutoscalerRoleInput(input: AutoscalerRoleInput): ResolvedAutoscalerRole {
  if (!input || typeof input !== 'object') throw new InvalidInputError('input', input, 'an object');
  const cluster = validateClusterName(input.cluster, 'cluster');
  const identity = input.identity;
  if (identity === 'irsa' || identity === 'pod-identity') {
    // ok
  } else if (identity && typeof identity === 'object' && 'kube2iam' in identity) {
    const arns = identity.kube2iam?.nodeRoleArns;
    if (!Array.isArray(arns) || arns.length === 0)
      throw new InvalidInputError(
        'identity.kube2iam.nodeRoleArns',
        arns,
        'a non-empty list of worker node role ARNs',
      );
    for (const [i, a] of arns.entries()) validateRoleArn(a, `identity.kube2iam.nodeRoleArns[${i}]`);
  } else if (identity && typeof identity === 'object' && 'kiam' in identity) {
    validateRoleArn(identity.kiam?.serverRoleArn, 'identity.kiam.serverRoleArn');
  } else {
    throw new InvalidInputError(
      'identity',
      identity,
      "'irsa', 'pod-identity', { kube2iam: { nodeRoleArns } } or { kiam: { serverRoleArn } }",
    );
  }
  const namespace = validateNamespace(input.namespace ?? DEFAULT_NAMESPACE, 'namespace');
  const serviceAccount = validateKubernetesName(
    input.serviceAccount ?? clusterAutoscalerServiceAccountName(input.release),
    'serviceAccount',
  );
  const defaultName = `${cluster}-cluster-autoscaler`;
  const roleName =
    input.roleName !== undefined
      ? validateRoleName(input.roleName, 'roleName')
      : defaultName.length <= 64
        ? defaultName
        : validateRoleName(defaultName, 'roleName');
  return { cluster, identity, namespace, serviceAccount, roleName };
}

function validateRoleArn(value: unknown, field: string): string {
  const arn = parseArn(value, field);
  if (arn.service !== 'iam' || !arn.resource.startsWith('role/'))
    throw new InvalidInputError(field, value, 'an IAM role ARN arn:aws:iam::<account>:role/<name>');
  return value as string;
}

/** The cluster's OIDC issuer and whether IAM has its provider (IRSA). */
export interface OidcFacts {
  issuer: string;
  providerArn: string;
  providerExists: boolean;
  accountId: string;
  partition: Partition;
}

/**
 * Read the cluster's OIDC issuer (EKS DescribeCluster) and look up its IAM OIDC provider
 * (iam-policies' `findOidcProvider`).
 *
 * @example
 * ```ts
 * const oidc = await readClusterOidc(clients, 'prod');
 * if (!oidc.providerExists) console.log(`create ${oidc.providerArn}`);
 * ```
 */
export async function readClusterOidc(clients: AwsClients, cluster: string): Promise<OidcFacts> {
  const eks = await clients.eks();
  // Loaded here, not at the top: a program that never calls EKS does not load its package (issue 21).
  const { DescribeClusterCommand } = await import('@aws-sdk/client-eks');
  let issuer: string | undefined;
  try {
    const out = await eks.send(new DescribeClusterCommand({ name: cluster }));
    issuer = out.cluster?.identity?.oidc?.issuer;
  } catch (error) {
    if (isNotFoundError(error)) throw clusterNotFoundError(cluster, clients.region, error);
    throw wrapAwsError(error, 'eks:DescribeCluster', cluster);
  }
  if (!issuer)
    throw new EksKitError('NoOidcIssuer', `EKS cluster ${cluster} has no OIDC issuer`, {
      hint: 'IRSA needs the cluster OIDC issuer; use identity pod-identity instead',
    });
  const provider = await findOidcProvider(clients, issuer);
  return {
    issuer,
    providerArn: provider.providerArn,
    providerExists: provider.exists,
    accountId: provider.accountId,
    partition: provider.partition,
  };
}

/**
 * The hint for a missing IAM OIDC provider (with the issuer, the aws CLI alternative names it).
 *
 * @example
 * ```ts
 * oidcProviderHint('prod'); // 'create the cluster's IAM OIDC provider: eksctl utils associate-iam-oidc-provider --cluster prod --approve ...'
 * ```
 */
export function oidcProviderHint(cluster: string, issuer?: string): string {
  if (issuer !== undefined) return iamOidcProviderHint({ issuer, cluster });
  return `create the cluster's IAM OIDC provider: eksctl utils associate-iam-oidc-provider --cluster ${cluster} --approve (or aws iam create-open-id-connect-provider with the issuer URL and client id sts.amazonaws.com)`;
}

/**
 * The trust policy of the autoscaler role for an identity mode (IRSA needs the OIDC provider's
 * ARN): the one choice of trust per mode, used by the role procedures, the setup check and
 * `eks-kit autoscaler trust`.
 *
 * @example
 * ```ts
 * autoscalerTrustPolicy(resolveAutoscalerRoleInput({ cluster: 'prod', identity: 'pod-identity' }));
 * autoscalerTrustPolicy(resolved, await readClusterOidc(clients, 'prod')); // IRSA
 * ```
 */
export function autoscalerTrustPolicy(
  role: ResolvedAutoscalerRole,
  oidc?: Pick<OidcFacts, 'providerArn'>,
): PolicyDocument {
  const { identity } = role;
  if (identity === 'irsa') {
    if (!oidc) throw new EksKitError('NoOidcIssuer', 'IRSA trust needs the cluster OIDC provider');
    return irsaTrustPolicy({
      oidcProviderArn: oidc.providerArn,
      namespace: role.namespace,
      serviceAccount: role.serviceAccount,
    });
  }
  if (identity === 'pod-identity') return podIdentityTrustPolicy();
  if ('kube2iam' in identity) return kube2iamTrustPolicy({ nodeRoleArns: identity.kube2iam.nodeRoleArns });
  return kiamTrustPolicy({ serverRoleArn: identity.kiam.serverRoleArn });
}
