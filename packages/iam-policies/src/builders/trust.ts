/**
 * Trust policy builders for the ways a pod (or a service) gets an IAM role (docs/AWS-FACTS.md#iam-trust-for-pods).
 */
import {
  InvalidInputError,
  isPartition,
  ownEntries,
  type Partition,
  parseArn,
  validateAccountId,
} from '@eks-kit/core';
import { policyDocument } from './document.js';
import { statement } from './statement.js';
import type { ConditionsInput, PolicyDocument } from './types.js';

/** The issuer's host and path (no scheme, no trailing slash), as IAM names OIDC providers. */
function issuerHostPath(issuerUrl: unknown, field: string): string {
  if (typeof issuerUrl !== 'string')
    throw new InvalidInputError(field, issuerUrl, 'an https:// OIDC issuer URL');
  let url: URL;
  try {
    url = new URL(issuerUrl);
  } catch {
    throw new InvalidInputError(field, issuerUrl, 'an https:// OIDC issuer URL');
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '' || url.username !== '')
    throw new InvalidInputError(field, issuerUrl, 'an https:// OIDC issuer URL without query or fragment');
  return `${url.host}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * The ARN IAM gives the OIDC provider of an issuer: `arn:<partition>:iam::<account>:oidc-provider/<host/path>`.
 *
 * @example
 * ```ts
 * oidcProviderArnFromIssuer('https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', '123456789012');
 * // 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC'
 * ```
 */
export function oidcProviderArnFromIssuer(
  issuerUrl: string,
  accountId: string,
  partition: Partition = 'aws',
): string {
  const hostPath = issuerHostPath(issuerUrl, 'issuerUrl');
  validateAccountId(accountId, 'accountId');
  if (!isPartition(partition))
    throw new InvalidInputError('partition', partition, 'an AWS partition such as aws');
  return `arn:${partition}:iam::${accountId}:oidc-provider/${hostPath}`;
}

/** Where the IRSA trust gets its OIDC provider: its ARN, or the cluster's issuer URL and account. */
export type IrsaProvider =
  | { oidcProviderArn: string }
  | { issuerUrl: string; accountId: string; partition?: Partition };

/** Which service accounts may assume the role: one name, or a StringLike pattern (`*`, `?`). */
export type IrsaServiceAccount = string | { pattern: string };

/** Input of {@link irsaTrustPolicy} as one object. */
export type IrsaTrustInput = IrsaProvider & {
  namespace: string;
  serviceAccount?: string;
  serviceAccountPattern?: string;
};

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const K8S_PATTERN = /^[a-z0-9*?]([-a-z0-9.*?]{0,251}[a-z0-9*?])?$/;

function providerArnOf(provider: IrsaProvider): { arn: string; hostPath: string } {
  if ('oidcProviderArn' in provider && provider.oidcProviderArn !== undefined) {
    const arn = parseArn(provider.oidcProviderArn, 'oidcProviderArn');
    if (arn.service !== 'iam' || !arn.resource.startsWith('oidc-provider/') || arn.accountId === '')
      throw new InvalidInputError(
        'oidcProviderArn',
        provider.oidcProviderArn,
        'an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<host/path>)',
      );
    return { arn: provider.oidcProviderArn, hostPath: arn.resource.slice('oidc-provider/'.length) };
  }
  const p = provider as { issuerUrl?: string; accountId?: string; partition?: Partition };
  if (p.issuerUrl === undefined)
    throw new InvalidInputError(
      'oidcProviderArn',
      undefined,
      'an oidcProviderArn, or an issuerUrl and accountId',
    );
  const arn = oidcProviderArnFromIssuer(p.issuerUrl, p.accountId as string, p.partition ?? 'aws');
  return { arn, hostPath: issuerHostPath(p.issuerUrl, 'issuerUrl') };
}

/**
 * IRSA trust (IAM roles for service accounts): the cluster's OIDC provider may call
 * sts:AssumeRoleWithWebIdentity for tokens whose `aud` is `sts.amazonaws.com` and whose `sub` is
 * `system:serviceaccount:<namespace>:<serviceAccount>` (StringEquals), or matches a pattern
 * (StringLike). Annotate the service account with `eks.amazonaws.com/role-arn`.
 *
 * @example
 * ```ts
 * irsaTrustPolicy(
 *   { issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', accountId: '123456789012' },
 *   'kube-system',
 *   'cluster-autoscaler-aws-cluster-autoscaler',
 * );
 * irsaTrustPolicy({ oidcProviderArn, namespace: 'gitlab-runner', serviceAccountPattern: 'build-*' });
 * ```
 */
export function irsaTrustPolicy(input: IrsaTrustInput): PolicyDocument;
export function irsaTrustPolicy(
  provider: IrsaProvider,
  namespace: string,
  serviceAccount: IrsaServiceAccount,
): PolicyDocument;
export function irsaTrustPolicy(
  providerOrInput: IrsaProvider | IrsaTrustInput,
  namespaceArg?: string,
  serviceAccountArg?: IrsaServiceAccount,
): PolicyDocument {
  if (typeof providerOrInput !== 'object' || providerOrInput === null)
    throw new InvalidInputError(
      'provider',
      providerOrInput,
      'an oidcProviderArn, or an issuerUrl and accountId',
    );
  let namespace: unknown = namespaceArg;
  let serviceAccount: unknown;
  let pattern: unknown;
  if (namespaceArg === undefined && 'namespace' in providerOrInput) {
    namespace = providerOrInput.namespace;
    serviceAccount = providerOrInput.serviceAccount;
    pattern = providerOrInput.serviceAccountPattern;
  } else if (typeof serviceAccountArg === 'object' && serviceAccountArg !== null) {
    pattern = serviceAccountArg.pattern;
  } else {
    serviceAccount = serviceAccountArg;
  }
  const { arn, hostPath } = providerArnOf(providerOrInput);
  if (typeof namespace !== 'string' || !K8S_NAME.test(namespace) || namespace.length > 63)
    throw new InvalidInputError(
      'namespace',
      namespace,
      'a Kubernetes namespace name (lower case letters, digits, -)',
    );
  if ((serviceAccount === undefined) === (pattern === undefined))
    throw new InvalidInputError(
      'serviceAccount',
      serviceAccount,
      'either a serviceAccount name or a serviceAccountPattern',
    );
  if (serviceAccount !== undefined && (typeof serviceAccount !== 'string' || !K8S_NAME.test(serviceAccount)))
    throw new InvalidInputError('serviceAccount', serviceAccount, 'a Kubernetes service account name');
  if (pattern !== undefined && (typeof pattern !== 'string' || !K8S_PATTERN.test(pattern)))
    throw new InvalidInputError(
      'serviceAccountPattern',
      pattern,
      'a service account name pattern with * or ?',
    );
  const sub = `system:serviceaccount:${namespace}:${(serviceAccount ?? pattern) as string}`;
  const conditions: ConditionsInput =
    pattern !== undefined
      ? {
          StringEquals: { [`${hostPath}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${hostPath}:sub`]: sub },
        }
      : { StringEquals: { [`${hostPath}:aud`]: 'sts.amazonaws.com', [`${hostPath}:sub`]: sub } };
  return policyDocument(
    [statement({ principals: { Federated: arn }, actions: 'sts:AssumeRoleWithWebIdentity', conditions })],
    { kind: 'trust' },
  );
}

/** Input of {@link podIdentityTrustPolicy}. */
export interface PodIdentityTrustInput {
  /** Session tags EKS sets that must match, e.g. `{ 'kubernetes-namespace': 'kube-system' }` (aws:RequestTag/<key>). */
  requestTags?: Record<string, string>;
  /** Only pod identity requests from this account (aws:SourceAccount). */
  sourceAccount?: string;
}

/**
 * EKS Pod Identity trust: `pods.eks.amazonaws.com` may call sts:AssumeRole and sts:TagSession;
 * optionally only for given session tags and source account. Pair it with an EKS pod identity association.
 *
 * @example
 * ```ts
 * podIdentityTrustPolicy({ sourceAccount: '123456789012', requestTags: { 'kubernetes-namespace': 'kube-system' } });
 * ```
 */
export function podIdentityTrustPolicy(input: PodIdentityTrustInput = {}): PolicyDocument {
  const equals: Record<string, string> = {};
  if (input.sourceAccount !== undefined)
    equals['aws:SourceAccount'] = validateAccountId(input.sourceAccount, 'sourceAccount');
  for (const [key, value] of ownEntries(input.requestTags ?? {}, 'requestTags')) {
    if (!/^[\w.:/=+@-]{1,128}$/.test(key))
      throw new InvalidInputError(`requestTags.${key}`, key, 'a session tag key');
    if (typeof value !== 'string')
      throw new InvalidInputError(`requestTags.${key}`, value, 'a string tag value');
    equals[`aws:RequestTag/${key}`] = value;
  }
  return policyDocument(
    [
      statement({
        principals: { Service: 'pods.eks.amazonaws.com' },
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        ...(Object.keys(equals).length > 0 ? { conditions: { StringEquals: equals } } : {}),
      }),
    ],
    { kind: 'trust' },
  );
}

function roleArnList(value: unknown, field: string): string[] {
  const single = typeof value === 'string';
  const list = single ? [value] : value;
  if (!Array.isArray(list) || list.length === 0)
    throw new InvalidInputError(field, value, 'one or more IAM role ARNs');
  return list.map((arn, index) => {
    const at = single ? field : `${field}[${index}]`;
    const parsed = parseArn(arn, at);
    if (parsed.service !== 'iam' || !parsed.resource.startsWith('role/'))
      throw new InvalidInputError(at, arn, 'an IAM role ARN (arn:aws:iam::<account>:role/<name>)');
    return arn as string;
  });
}

/**
 * kube2iam trust: the worker nodes' roles (which kube2iam runs as) and `ec2.amazonaws.com` may call
 * sts:AssumeRole. Annotate the pod with `iam.amazonaws.com/role`.
 *
 * @example
 * ```ts
 * kube2iamTrustPolicy({ nodeRoleArns: ['arn:aws:iam::123456789012:role/eks-node'] });
 * ```
 */
export function kube2iamTrustPolicy(input: { nodeRoleArns: string | readonly string[] }): PolicyDocument {
  const arns = roleArnList(input?.nodeRoleArns, 'nodeRoleArns');
  return policyDocument(
    [statement({ principals: { Service: 'ec2.amazonaws.com', AWS: arns }, actions: 'sts:AssumeRole' })],
    { kind: 'trust' },
  );
}

/**
 * kiam trust: the kiam server's role may call sts:AssumeRole. kiam is abandoned upstream (the
 * uswitch/kiam README asks users to move to IRSA); prefer {@link irsaTrustPolicy} or
 * {@link podIdentityTrustPolicy} for new set-ups.
 *
 * @deprecated kiam is no longer maintained upstream (uswitch/kiam README); kept for existing clusters.
 * @example
 * ```ts
 * kiamTrustPolicy({ serverRoleArn: 'arn:aws:iam::123456789012:role/kiam-server' });
 * ```
 */
export function kiamTrustPolicy(input: { serverRoleArn: string }): PolicyDocument {
  const [arn] = roleArnList(input?.serverRoleArn, 'serverRoleArn');
  return policyDocument([statement({ principals: { AWS: arn as string }, actions: 'sts:AssumeRole' })], {
    kind: 'trust',
  });
}

/**
 * Trust for an AWS service principal (Lambda, EC2, ...): it may call sts:AssumeRole.
 *
 * @example
 * ```ts
 * servicePrincipalTrustPolicy('lambda.amazonaws.com');
 * ```
 */
export function servicePrincipalTrustPolicy(service: string): PolicyDocument {
  if (typeof service !== 'string' || !/^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?$/.test(service))
    throw new InvalidInputError('service', service, 'an AWS service principal such as lambda.amazonaws.com');
  return policyDocument([statement({ principals: { Service: service }, actions: 'sts:AssumeRole' })], {
    kind: 'trust',
  });
}
