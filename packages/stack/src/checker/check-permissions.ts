/**
 * The read actions the checks of a stack call, each scoped to the resources it can be scoped to.
 * Actions come from the packages where they declare them (asg-discovery's
 * `CHECK_AUTOSCALER_SETUP_ACTIONS`) and, for the drift of the apply steps run in dry run and the
 * certificate check, from the reads those procedures make. Actions without resource-level permissions
 * (List*, Auto Scaling and EC2 Describe*) take `*`, as the service authorization reference requires.
 */
import { CHECK_AUTOSCALER_SETUP_ACTIONS } from '@eks-kit/asg-discovery';
import { InvalidInputError, partitionOfRegion } from '@eks-kit/core';
import { autoscalerRoleName, runnerRoleName, stackRepositoryNames } from '../orchestrate/names.js';
import type { Stack } from '../schema/stack-schema.js';

/** One group of read actions on the same resources. */
export interface CheckPermission {
  /** Statement id: what is read. */
  sid: string;
  actions: string[];
  resources: string[];
}

/** Where the resources live: account (default `*`, any) and partition (default from the cluster region). */
export interface PermissionScope {
  accountId?: string;
  partition?: string;
}

/** Reads of a role by iam-policies' `ensureRole` (dry run) and `checkRole`. */
const ROLE_READS = [
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:ListRoleTags',
];
/** Reads of the ownership.grants check on a role the stack owns: each managed policy attached by hand. */
const ROLE_GRANT_READS = ['iam:GetPolicy', 'iam:GetPolicyVersion'];
/** Reads of ensureAutoDiscoveryTags (dry run): the groups and their tags. */
const AUTOSCALER_TAGS_READS = [
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeTags',
  'eks:DescribeCluster',
];
/** Reads of ensureClusterAutoscalerRole / ensureRunnerRole (dry run): the cluster's issuer, its provider, the role. */
const ROLE_STEP_READS = [
  ...ROLE_READS,
  'eks:DescribeCluster',
  'iam:GetOpenIDConnectProvider',
  'iam:ListOpenIDConnectProviders',
];
/** More reads of the autoscaler set-up: launch templates, instance types (scale from zero), launch configurations. */
const AUTOSCALER_GROUP_READS = [
  'autoscaling:DescribeLaunchConfigurations',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeLaunchTemplateVersions',
];
/** Reads of ensureRepository (dry run). */
const REPOSITORY_READS = [
  'ecr:DescribeRepositories',
  'ecr:GetLifecyclePolicy',
  'ecr:GetRepositoryPolicy',
  'ecr:ListTagsForResource',
  // The registry's scanning configuration decides scanning where it has rules (issue 17).
  'ecr:GetRegistryScanningConfiguration',
];
/** Reads of the `addons` check: is metrics-server an EKS add-on, is the Pod Identity agent there. */
const ADDON_READS = ['eks:DescribeAddon'];
/** Reads of checkCertificates and of ensureCertificate + its validation records (dry run). */
const CERTIFICATE_READS = [
  'acm:DescribeCertificate',
  'acm:ListCertificates',
  'acm:ListTagsForCertificate',
  'route53:ListHostedZonesByName',
  'route53:ListResourceRecordSets',
  // The delegation check reads the zone's own name servers (issue 18).
  'route53:GetHostedZone',
];
/** A zone in another account: its Route 53 is read through the DNS role (issue 18). */
const DNS_ROLE_ASSUME = ['sts:AssumeRole'];
/**
 * Reads of the `stack.orphans` check (issue 16): every role, repository and certificate tagged for
 * the stack, wherever the file no longer names it, so tags are read on any role or repository.
 * Past 10 roles to read, the roles' tags come from iam:GetAccountAuthorizationDetails, pages of at most
 * 1,000 roles (issue 21). That action cannot be limited to roles (no condition key narrows it): it lets
 * the checker read every IAM user, group, role and customer managed policy of the account with their
 * documents (eks-kit asks only for roles and keeps only names and tags), and can only be granted on `*`
 * (docs/AWS-FACTS.md#iam-reading-every-roles-tags); without it the scan reads ListRoleTags per role.
 */
const ORPHAN_READS = [
  'iam:ListRoles',
  'iam:ListRoleTags',
  'iam:GetAccountAuthorizationDetails',
  'ecr:DescribeRepositories',
  'ecr:ListTagsForResource',
  'acm:ListCertificates',
  'acm:ListTagsForCertificate',
  'autoscaling:DescribeAutoScalingGroups',
  // More than a few repositories or certificates to look at: one Tagging API call finds the stack's
  // (issue 21; docs/AWS-FACTS.md#finding-tagged-resources-with-the-tagging-api).
  'tag:GetResources',
];
/** Actions that need no permission: never granted (STS API reference, GetCallerIdentity). */
const NEEDS_NO_PERMISSION: ReadonlySet<string> = new Set(['sts:GetCallerIdentity']);

interface Scope {
  partition: string;
  account: string;
  region: string;
}

/** Statement ids and the resources of each kind of resource the checks read. */
type ResourceKind =
  | 'Any'
  | 'Roles'
  | 'AnyRole'
  | 'ManagedPolicies'
  | 'OidcProvider'
  | 'Cluster'
  | 'PodIdentityAssociations'
  | 'Addons'
  | 'Nodegroups'
  | 'Repositories'
  | 'AnyRepository'
  | 'Certificates'
  | 'HostedZones'
  | 'DnsRoles';

const SIDS: Record<ResourceKind, string> = {
  Any: 'ReadWithoutResourceLevelPermissions',
  Roles: 'ReadStackRoles',
  AnyRole: 'ReadRoleTagsForOrphans',
  ManagedPolicies: 'ReadPoliciesOnStackRoles',
  OidcProvider: 'ReadClusterOidcProvider',
  Cluster: 'ReadCluster',
  PodIdentityAssociations: 'ReadPodIdentityAssociations',
  Addons: 'ReadClusterAddons',
  Nodegroups: 'ReadClusterNodegroups',
  Repositories: 'ReadStackRepositories',
  AnyRepository: 'ReadRepositoryTagsForOrphans',
  Certificates: 'ReadCertificates',
  HostedZones: 'ReadHostedZoneRecords',
  DnsRoles: 'AssumeDnsRoles',
};

/** What each action can be scoped to (service authorization reference); `Any` = wildcard-only. */
const ACTION_RESOURCES: Record<string, ResourceKind> = {
  'autoscaling:DescribeAutoScalingGroups': 'Any',
  'autoscaling:DescribeLaunchConfigurations': 'Any',
  'autoscaling:DescribeTags': 'Any',
  'ec2:DescribeInstanceTypes': 'Any',
  'ec2:DescribeLaunchTemplateVersions': 'Any',
  'eks:DescribeCluster': 'Cluster',
  'eks:ListPodIdentityAssociations': 'Cluster',
  'eks:DescribePodIdentityAssociation': 'PodIdentityAssociations',
  'eks:DescribeAddon': 'Addons',
  'eks:DescribeNodegroup': 'Nodegroups',
  'iam:GetRole': 'Roles',
  'iam:GetRolePolicy': 'Roles',
  'iam:ListAttachedRolePolicies': 'Roles',
  'iam:ListRolePolicies': 'Roles',
  // The orphan check reads the tags of every role and repository (issue 16).
  'iam:ListRoleTags': 'AnyRole',
  'iam:ListRoles': 'Any',
  // No resource type (Service Authorization Reference): `*` only. A Read of every role's policies.
  'iam:GetAccountAuthorizationDetails': 'Any',
  'iam:GetPolicy': 'ManagedPolicies',
  'iam:GetPolicyVersion': 'ManagedPolicies',
  'iam:GetOpenIDConnectProvider': 'OidcProvider',
  'iam:ListOpenIDConnectProviders': 'Any',
  'ecr:DescribeRepositories': 'AnyRepository',
  'ecr:GetLifecyclePolicy': 'Repositories',
  'ecr:GetRepositoryPolicy': 'Repositories',
  'ecr:ListTagsForResource': 'AnyRepository',
  // A registry-level action: it has no resource type (Service Authorization Reference, ECR).
  'ecr:GetRegistryScanningConfiguration': 'Any',
  'acm:ListCertificates': 'Any',
  'acm:DescribeCertificate': 'Certificates',
  'acm:ListTagsForCertificate': 'Certificates',
  'route53:ListHostedZonesByName': 'Any',
  'route53:ListResourceRecordSets': 'HostedZones',
  'route53:GetHostedZone': 'HostedZones',
  'sts:AssumeRole': 'DnsRoles',
  // The Tagging API's reads have no resource type (Service Authorization Reference, Resource Groups
  // Tagging API): `*`, a read.
  'tag:GetResources': 'Any',
};

/**
 * The read actions the checks of `stack` call (sorted, without those that need no permission).
 *
 * @example
 * ```ts
 * checkActions(stack); // ['acm:DescribeCertificate', 'acm:ListCertificates', ..., 'iam:GetRole', ...]
 * ```
 */
export function checkActions(stack: Stack): string[] {
  const actions = new Set<string>();
  const add = (list: readonly string[]): void => {
    for (const a of list) if (!NEEDS_NO_PERMISSION.has(a)) actions.add(a);
  };
  if (stack.autoscaler) {
    add(AUTOSCALER_TAGS_READS);
    add(ROLE_STEP_READS);
    add(ROLE_GRANT_READS);
    add(CHECK_AUTOSCALER_SETUP_ACTIONS);
    add(AUTOSCALER_GROUP_READS);
  }
  if (stack.gitlab) add([...ROLE_STEP_READS, ...ROLE_GRANT_READS]);
  if (
    (stack.metricsServer !== undefined && stack.metricsServer.enabled !== false) ||
    stack.autoscaler?.identity.mode === 'pod-identity'
  )
    add(ADDON_READS);
  if (stack.repositories.length > 0) add(REPOSITORY_READS);
  if (stack.certificates.length > 0) add(CERTIFICATE_READS);
  if (stack.certificates.some((c) => (c.dns ?? stack.dns) !== undefined)) add(DNS_ROLE_ASSUME);
  add(ORPHAN_READS);
  return [...actions].sort();
}

/**
 * The permissions the checks of `stack` need: its actions grouped by the resources they are scoped to
 * (deterministic order).
 *
 * @example
 * ```ts
 * checkPermissions(stack, { accountId: '111111111111' }).map((p) => p.sid);
 * // ['ReadWithoutResourceLevelPermissions', 'ReadStackRoles', 'ReadClusterOidcProvider', 'ReadCluster', ...]
 * ```
 */
export function checkPermissions(stack: Stack, scope: PermissionScope = {}): CheckPermission[] {
  const s: Scope = {
    partition: scope.partition ?? partitionOfRegion(stack.cluster.region),
    account: scope.accountId ?? '*',
    region: stack.cluster.region,
  };
  const byKind = new Map<ResourceKind, string[]>();
  for (const action of checkActions(stack)) {
    const kind = ACTION_RESOURCES[action];
    if (!kind) {
      // A package declared a new action: say where it may be scoped before granting it.
      throw new InvalidInputError(
        'action',
        action,
        'an action listed in ACTION_RESOURCES (apps/checks-lambda)',
      );
    }
    byKind.set(kind, [...(byKind.get(kind) ?? []), action]);
  }
  return (Object.keys(SIDS) as ResourceKind[])
    .filter((kind) => byKind.has(kind))
    .map((kind) => ({
      sid: SIDS[kind],
      actions: byKind.get(kind) ?? [],
      resources: resourcesOf(kind, stack, s),
    }));
}

function resourcesOf(kind: ResourceKind, stack: Stack, s: Scope): string[] {
  const arn = (service: string, region: string, resource: string): string =>
    `arn:${s.partition}:${service}:${region}:${s.account}:${resource}`;
  switch (kind) {
    case 'Any':
      return ['*'];
    case 'Roles':
      return [
        ...(stack.autoscaler ? [autoscalerRoleName(stack)] : []),
        ...(stack.gitlab ? [runnerRoleName(stack)] : []),
      ]
        .sort()
        .map((name) => arn('iam', '', `role/${name}`));
    case 'AnyRole':
      return [arn('iam', '', 'role/*')];
    case 'AnyRepository':
      return [arn('ecr', s.region, 'repository/*')];
    case 'ManagedPolicies':
      // Whatever was attached by hand: AWS managed policies and the account's own.
      return [`arn:${s.partition}:iam::aws:policy/*`, arn('iam', '', 'policy/*')];
    case 'OidcProvider':
      // The cluster's provider when the stack names its issuer, else any provider of the account.
      return [arn('iam', '', `oidc-provider/${stack.cluster.oidcIssuer?.replace(/^https:\/\//, '') ?? '*'}`)];
    case 'Cluster':
      return [arn('eks', s.region, `cluster/${stack.cluster.name}`)];
    case 'PodIdentityAssociations':
      return [arn('eks', s.region, `podidentityassociation/${stack.cluster.name}/*`)];
    case 'Addons':
      return [arn('eks', s.region, `addon/${stack.cluster.name}/*`)];
    case 'Nodegroups':
      // node group ARNs end in a generated id: nodegroup/<cluster>/<name>/<uuid>
      return [arn('eks', s.region, `nodegroup/${stack.cluster.name}/*/*`)];
    case 'Repositories':
      return [...stackRepositoryNames(stack)]
        .sort()
        .map((name) => arn('ecr', s.region, `repository/${name}`));
    case 'Certificates':
      return [
        ...new Set([
          stack.cluster.region,
          ...stack.certificates.map((c) => c.region ?? stack.cluster.region),
        ]),
      ]
        .sort()
        .map((region) => arn('acm', region, 'certificate/*'));
    case 'HostedZones':
      return hostedZoneResources(stack, s.partition);
    case 'DnsRoles':
      return [...new Set(stack.certificates.flatMap((c) => (c.dns ?? stack.dns)?.roleArn ?? []))].sort();
  }
}

/** The zones named in the stack when every certificate name has one; else any zone (the check looks zones up). */
function hostedZoneResources(stack: Stack, partition: string): string[] {
  const ids = new Set<string>();
  for (const cert of stack.certificates) {
    const zones = cert.zones ?? {};
    for (const name of [cert.domainName, ...(cert.subjectAlternativeNames ?? [])]) {
      const id = zoneFor(name, zones);
      if (!id) return [`arn:${partition}:route53:::hostedzone/*`];
      ids.add(id.replace(/^\/hostedzone\//, ''));
    }
  }
  // Route 53 ARNs carry no region or account.
  return [...ids].sort().map((id) => `arn:${partition}:route53:::hostedzone/${id}`);
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
