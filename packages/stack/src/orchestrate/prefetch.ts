/**
 * Read prefetch (issue 22): a plan or a check starts, at once, every read whose input the stack file
 * already gives (the account, the cluster, each role with its policy listings and inline policy,
 * each repository, the registry's scanning rules, the worker groups it names, the roles listing, the
 * certificates listing), and
 * the reads that follow from their answers (the OIDC provider from the cluster and the account; a
 * repository's lifecycle policy and tags; a matching certificate's description and tags). Each
 * answer lands in the run's shared reads, where the steps and checks find it: their own chains of
 * calls (GetRole, then ListRolePolicies, then GetRolePolicy...) then wait for AWS once, not once per
 * link. The inputs are exactly the procedures' (a different input would be a second call, which the
 * api-calls bench would show).
 */
import { listCertificates } from '@eks-kit/acm-dns-validation';
import { AUTOSCALER_POLICY_NAME, clusterOwnedTagKey } from '@eks-kit/asg-discovery';
import { type AwsClients, sendRead } from '@eks-kit/core';
import { RUNNER_POLICY_NAME } from '@eks-kit/ecr-credentials';
import { ROLE_LISTING_PAGE_SIZE } from '@eks-kit/iam-policies';
import type { Stack } from '../schema/stack-schema.js';
import { autoModeToRefuse } from './auto-mode.js';
import { autoscalerRoleName, runnerRoleName, stackRepositoryNames } from './names.js';
import { startGroupTagListing, startRepositoryListing } from './shared-reads.js';

/**
 * Start the reads of a run that the stack file gives the input of; never throws (a read
 * that fails is simply not shared, and the step that needs it asks again and reports the error).
 * Call it with the run's clients: a set bound to the run ({@link bindSharedReads}), or one from
 * {@link shareReads} inside {@link withSharedReads}.
 *
 * @example
 * ```ts
 * const run = bindSharedReads(clients, 'read-only');
 * prefetchReads(run, stack);
 * return runSteps(run, stack, { dryRun: true });
 * ```
 */
export function prefetchReads(
  run: AwsClients,
  stack: Stack,
  options: {
    /**
     * Before an apply's writes: a role's policy listings are read only once GetRole says the role
     * exists (an apply often creates it: listing a missing role is three failing calls).
     */
    forWrites?: boolean;
  } = {},
): void {
  const read: Read = (service, operation, input, region) =>
    sendRead(run, service, operation, input, region).catch(() => undefined);
  const identity = read('sts', 'GetCallerIdentity', {}) as Promise<
    { Arn?: string; Account?: string } | undefined
  >;
  // The cluster and its IAM OIDC provider only when an IRSA role's trust needs them: a stack of
  // certificates only never reads them (and the checks Lambda's role may not be allowed to).
  const irsa = stack.gitlab !== undefined || stack.autoscaler?.identity.mode === 'irsa';
  if (irsa) {
    const cluster = read('eks', 'DescribeCluster', { name: stack.cluster.name }) as Promise<
      { cluster?: { identity?: { oidc?: { issuer?: string } } } } | undefined
    >;
    void Promise.all([identity, cluster]).then(([who, c]) => {
      const issuer = c?.cluster?.identity?.oidc?.issuer;
      const partition = who?.Arn?.split(':')[1];
      if (!issuer || !who?.Account || !partition) return;
      return read('iam', 'GetOpenIDConnectProvider', {
        OpenIDConnectProviderArn: `arn:${partition}:iam::${who.Account}:oidc-provider/${issuer.replace(/^https:\/\//, '')}`,
      });
    });
  }
  prefetchRoles(read, stack, options.forWrites === true);
  // The worker groups the stack names: the very read the tags' drift and the autoscaler's set-up
  // send (names, no instances), as soon as the cluster is known not to be in Auto Mode (there eks-kit
  // makes no Auto Scaling call), before the steps and checks that need it get there (issue 22).
  const groupNames = stack.autoscaler?.workerGroups.names;
  if (groupNames && groupNames.length > 0 && groupNames.length <= 100)
    void whenNotAutoMode(run, stack, () =>
      read('autoScaling', 'DescribeAutoScalingGroups', {
        AutoScalingGroupNames: [...new Set(groupNames)],
        MaxRecords: 100,
        IncludeInstances: false,
      }),
    );
  // The orphans' roles listing: its first page, with the input the role scan sends (issue 21: pages of 1,000).
  void read('iam', 'ListRoles', { MaxItems: ROLE_LISTING_PAGE_SIZE });
  // Repositories: each one, then its lifecycle policy and tags.
  const repositories = stackRepositoryNames(stack);
  if (repositories.length > 0) void read('ecr', 'GetRegistryScanningConfiguration', {});
  // The registry's listing (the orphans' too): one call answers whether each stack repository
  // exists (shared-reads serves a name's DescribeRepositories from it, issue 21), started first.
  void startRepositoryListing(run).catch(() => undefined);
  for (const name of repositories) void prefetchRepository(run, name, { lifecycle: true });
  // Certificates: one listing per region, then each certificate of the stack's names.
  const regions = new Map<string, Set<string>>();
  for (const cert of stack.certificates) {
    const region = cert.region ?? stack.cluster.region;
    const names = regions.get(region) ?? new Set<string>();
    names.add(cert.domainName);
    regions.set(region, names);
  }
  for (const [region, names] of regions) {
    const regional = region === run.region ? run : run.withRegion(region);
    void listCertificates(regional, { region })
      .then((summaries) => {
        for (const s of summaries) {
          if (!s.CertificateArn || !s.DomainName || !names.has(s.DomainName)) continue;
          void read('acm', 'DescribeCertificate', { CertificateArn: s.CertificateArn }, region);
          void read('acm', 'ListTagsForCertificate', { CertificateArn: s.CertificateArn }, region);
        }
      })
      .catch(() => undefined);
  }
}

/**
 * The reads only `check` makes whose input the stack file gives, started beside {@link prefetchReads}
 * (a plan never sends them, so they are not in it): the groups tagged for the cluster (the
 * autoscaler's set-up; once the cluster is known not to be in Auto Mode) and each repository's
 * policy (the grants check). Never throws. Call it inside the check list's run.
 *
 * @example
 * ```ts
 * const run = shareReads(clients);
 * prefetchReads(run, stack);
 * prefetchCheckReads(run, stack);
 * ```
 */
export function prefetchCheckReads(run: AwsClients, stack: Stack): void {
  const read = (service: Parameters<typeof sendRead>[1], operation: string, input: Record<string, unknown>) =>
    sendRead(run, service, operation, input).catch(() => undefined);
  // The groups tagged for the cluster; once in the run, they answer the read of the selected groups
  // by name when they hold all of them (shared-reads: a name read waits for this one), so call this
  // before prefetchReads.
  if (stack.autoscaler)
    void startGroupTagListing(
      run,
      clusterOwnedTagKey(stack.cluster.name),
      autoModeToRefuse(run, stack).then(
        (mode) => mode === undefined,
        () => false,
      ),
    ).catch(() => undefined);
  for (const repositoryName of stackRepositoryNames(stack))
    void read('ecr', 'GetRepositoryPolicy', { repositoryName });
}

/** Run `fn` once the cluster is known not to be in EKS Auto Mode (the autoscaler's reads wait for that). */
async function whenNotAutoMode(run: AwsClients, stack: Stack, fn: () => unknown): Promise<void> {
  const mode = await autoModeToRefuse(run, stack).catch(() => 'unknown' as const);
  if (mode === undefined) fn();
}

/** A prefetch read: never throws (a failed read is simply not shared). */
type Read = (
  service: Parameters<typeof sendRead>[1],
  operation: string,
  input: Record<string, unknown>,
  region?: string,
) => Promise<unknown>;

/**
 * Roles: the role, its policy listings and its one inline policy, all at once; before writes
 * (`afterGetRole`), the listings once GetRole says the role exists.
 */
function prefetchRoles(read: Read, stack: Stack, afterGetRole: boolean): void {
  const roles: Array<[string, string]> = [];
  if (stack.autoscaler) roles.push([autoscalerRoleName(stack), AUTOSCALER_POLICY_NAME]);
  if (stack.gitlab) roles.push([runnerRoleName(stack), RUNNER_POLICY_NAME]);
  for (const [RoleName, PolicyName] of roles) {
    const role = read('iam', 'GetRole', { RoleName });
    const rest = (): void => {
      void read('iam', 'ListRolePolicies', { RoleName });
      void read('iam', 'ListAttachedRolePolicies', { RoleName });
      void read('iam', 'GetRolePolicy', { RoleName, PolicyName });
    };
    if (afterGetRole) void role.then((out) => (out ? rest() : undefined));
    else rest();
  }
}

/**
 * One stack repository's reads into the run's shared reads: DescribeRepositories (answered by the
 * run's registry listing when there is one), then its tags (ownership) and, with `lifecycle`, its
 * lifecycle policy. Errors are left to the step that needs the answer. Resolves once they are in.
 *
 * @example
 * ```ts
 * await prefetchRepository(run, 'seed/app', { lifecycle: false }); // destroy: existence and owner
 * ```
 */
export async function prefetchRepository(
  run: AwsClients,
  repositoryName: string,
  options: { lifecycle: boolean },
): Promise<void> {
  const read: Read = (service, operation, input, region) =>
    sendRead(run, service, operation, input, region).catch(() => undefined);
  const out = (await read('ecr', 'DescribeRepositories', { repositoryNames: [repositoryName] })) as
    | { repositories?: Array<{ repositoryArn?: string }> }
    | undefined;
  const resourceArn = out?.repositories?.[0]?.repositoryArn;
  if (!resourceArn) return;
  await Promise.all([
    options.lifecycle ? read('ecr', 'GetLifecyclePolicy', { repositoryName }) : undefined,
    read('ecr', 'ListTagsForResource', { resourceArn }),
  ]);
}
