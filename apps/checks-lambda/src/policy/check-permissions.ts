/**
 * The read actions the checks of a stack call, with the resources they can be scoped to. Actions
 * without resource-level permissions (List*, Auto Scaling and EC2 Describe*) take `*`, as the
 * service authorization reference requires. The checks and their calls: drift of each apply step in
 * dry run (reads only), asg-discovery's `checkAutoscalerSetup`, acm-dns-validation's `checkCertificates`.
 */
import { partitionOfRegion } from '@eks-kit/core';
import { autoscalerRoleName, runnerRoleName, type Stack, stackRepositoryNames } from '@eks-kit/stack';

/** One group of read actions on the same resources. */
export interface CheckPermission {
  /** Statement id: the check and what it reads. */
  sid: string;
  actions: string[];
  resources: string[];
}

/** Where the resources live: account (default `*`, any) and partition (default from the cluster region). */
export interface PermissionScope {
  accountId?: string;
  partition?: string;
}

interface Arns {
  partition: string;
  account: string;
  region: string;
}

/** IAM reads of a role as iam-policies' `ensureRole` (dry run) and `checkRole` make them. */
const ROLE_READ_ACTIONS = [
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:ListRoleTags',
];

/**
 * The permissions the checks of `stack` need, one entry per statement (deterministic order).
 *
 * @example
 * ```ts
 * checkPermissions(stack, { accountId: '111111111111' }).map((p) => p.sid);
 * // ['AutoscalerGroupsRead', 'AutoscalerClusterRead', 'AutoscalerRoleRead', ..., 'CertificatesRead', ...]
 * ```
 */
export function checkPermissions(stack: Stack, scope: PermissionScope = {}): CheckPermission[] {
  const arns: Arns = {
    partition: scope.partition ?? partitionOfRegion(stack.cluster.region),
    account: scope.accountId ?? '*',
    region: stack.cluster.region,
  };
  const out: CheckPermission[] = [];
  const clusterArn = `arn:${arns.partition}:eks:${arns.region}:${arns.account}:cluster/${stack.cluster.name}`;
  const oidcResource = oidcProviderResource(stack, arns);
  if (stack.autoscaler) {
    out.push(
      {
        sid: 'AutoscalerGroupsRead',
        actions: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeTags',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions',
        ],
        resources: ['*'],
      },
      {
        sid: 'AutoscalerClusterRead',
        actions: [
          'eks:DescribeCluster',
          ...(stack.autoscaler.identity.mode === 'pod-identity' ? ['eks:ListPodIdentityAssociations'] : []),
        ],
        resources: [clusterArn],
      },
    );
    if (stack.autoscaler.identity.mode === 'pod-identity') {
      out.push({
        sid: 'AutoscalerPodIdentityRead',
        actions: ['eks:DescribePodIdentityAssociation'],
        resources: [
          `arn:${arns.partition}:eks:${arns.region}:${arns.account}:podidentityassociation/${stack.cluster.name}/*`,
        ],
      });
    }
    out.push({
      sid: 'AutoscalerRoleRead',
      actions: ROLE_READ_ACTIONS,
      resources: [roleArn(arns, autoscalerRoleName(stack))],
    });
  }
  if (stack.gitlab) {
    out.push(
      {
        sid: 'RunnerRoleRead',
        actions: ROLE_READ_ACTIONS,
        resources: [roleArn(arns, runnerRoleName(stack))],
      },
      { sid: 'RunnerClusterRead', actions: ['eks:DescribeCluster'], resources: [clusterArn] },
    );
  }
  if (stack.autoscaler?.identity.mode === 'irsa' || stack.gitlab) {
    out.push(
      // ListOpenIDConnectProviders supports no resource-level permission.
      { sid: 'OidcProvidersList', actions: ['iam:ListOpenIDConnectProviders'], resources: ['*'] },
      { sid: 'OidcProviderRead', actions: ['iam:GetOpenIDConnectProvider'], resources: [oidcResource] },
    );
  }
  const repositories = stackRepositoryNames(stack);
  if (repositories.length > 0) {
    out.push({
      sid: 'RepositoriesRead',
      actions: [
        'ecr:DescribeRepositories',
        'ecr:GetLifecyclePolicy',
        'ecr:GetRepositoryPolicy',
        'ecr:ListTagsForResource',
      ],
      resources: [...repositories]
        .sort()
        .map((name) => `arn:${arns.partition}:ecr:${arns.region}:${arns.account}:repository/${name}`),
    });
  }
  if (stack.certificates.length > 0) out.push(...certificatePermissions(stack, arns));
  return out;
}

function roleArn(arns: Arns, name: string): string {
  return `arn:${arns.partition}:iam::${arns.account}:role/${name}`;
}

/** The cluster's IAM OIDC provider when the stack names its issuer, else any provider of the account. */
function oidcProviderResource(stack: Stack, arns: Arns): string {
  const issuer = stack.cluster.oidcIssuer?.replace(/^https:\/\//, '');
  return `arn:${arns.partition}:iam::${arns.account}:oidc-provider/${issuer ?? '*'}`;
}

/** acm-dns-validation's reads: ListCertificates, DescribeCertificate, ListTagsForCertificate, Route 53 zones and records. */
function certificatePermissions(stack: Stack, arns: Arns): CheckPermission[] {
  const regions = [...new Set(stack.certificates.map((c) => c.region ?? stack.cluster.region))].sort();
  const zoneIds = new Set<string>();
  let anyZone = false;
  for (const cert of stack.certificates) {
    const names = [cert.domainName, ...(cert.subjectAlternativeNames ?? [])];
    const zones = cert.zones ?? {};
    // Without an explicit zone for a name, the check looks the zone up: any zone may be read.
    if (names.some((n) => !zoneFor(n, zones))) anyZone = true;
    for (const id of Object.values(zones)) zoneIds.add(id.replace(/^\/hostedzone\//, ''));
  }
  return [
    // ListCertificates and ListHostedZonesByName support no resource-level permission.
    { sid: 'CertificatesList', actions: ['acm:ListCertificates'], resources: ['*'] },
    {
      sid: 'CertificatesRead',
      actions: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'],
      resources: regions.map((r) => `arn:${arns.partition}:acm:${r}:${arns.account}:certificate/*`),
    },
    { sid: 'HostedZonesList', actions: ['route53:ListHostedZonesByName'], resources: ['*'] },
    {
      sid: 'ValidationRecordsRead',
      actions: ['route53:ListResourceRecordSets'],
      // Route 53 ARNs carry no region or account.
      resources: anyZone
        ? [`arn:${arns.partition}:route53:::hostedzone/*`]
        : [...zoneIds].sort().map((id) => `arn:${arns.partition}:route53:::hostedzone/${id}`),
    },
  ];
}

function zoneFor(name: string, zones: Record<string, string>): string | undefined {
  let candidate = name.replace(/^\*\./, '');
  for (;;) {
    if (zones[candidate]) return zones[candidate];
    const dot = candidate.indexOf('.');
    if (dot < 0) return undefined;
    candidate = candidate.slice(dot + 1);
  }
}
