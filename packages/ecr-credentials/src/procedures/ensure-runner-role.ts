/**
 * ensureRunnerRole: the IAM role a GitLab runner's build pods assume through IRSA to push to ECR.
 */
import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import {
  type AwsClients,
  clusterNotFoundError,
  type EnsureOptions,
  type Finding,
  InvalidInputError,
  isNotFoundError,
  validateClusterName,
  validateTags,
  wrapAwsError,
} from '@eks-kit/core';
import {
  blockedByOidcProvider,
  type EnsureRoleResult,
  ensureRole,
  findOidcProvider,
  irsaTrustPolicy,
  type OidcProviderLookup,
  oidcProviderMissingError,
  oidcProviderMissingFinding,
  type PolicyDocument,
  validateRoleName,
} from '@eks-kit/iam-policies';
import { ecrBuilderPolicy } from '../builders/ecr-policies.js';
import { parseRepositoryRef, repositoryArn, validateRepositoryName } from '../builders/repository-ref.js';

/** Input of {@link ensureRunnerRole}: `cluster` (its OIDC issuer is looked up) or `issuer`. */
export interface RunnerRoleInput {
  /** EKS cluster whose OIDC issuer the role trusts. */
  cluster?: string;
  /** OIDC issuer URL, instead of `cluster` (`https://oidc.eks.<region>.amazonaws.com/id/<ID>`). */
  issuer?: string;
  /** Namespace of the runner's build pods. */
  namespace: string;
  /** Service account of the build pods (`service_account` in `[runners.kubernetes]`). */
  serviceAccount: string;
  /** Repositories to push to: names (in the clients' account and region), ARNs or image references. */
  repositories: readonly string[];
  /** Cache repositories (push + pull); default `<repo>/cache` of each; `false` for none. */
  cacheRepositories?: readonly string[] | false;
  /** Repositories to pull base images from. */
  pullRepositories?: readonly string[];
  roleName: string;
  /** Stack name: the role is tagged `eks-kit:stack=<stack>`. */
  stack?: string;
  /** Extra tags on the role (a stack's `tags`); `eks-kit:stack` comes from `stack`. */
  tags?: Record<string, string>;
}

/** What {@link ensureRunnerRole} returns. */
export interface RunnerRoleResult extends EnsureRoleResult {
  /** Annotation for the build pods' service account. */
  serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': string };
  /** The runner's config.toml lines that give build pods that service account. */
  runnerConfigToml: string;
  /** The identity policy the role got (inline, `ecr-push`). */
  policy: PolicyDocument;
  /**
   * Prerequisites that block an apply, as `fail` findings (only in a dry run: an apply throws
   * `OidcProviderMissing` instead). Today: the IAM OIDC provider of the issuer is missing
   * (`runner-role.oidc-provider`).
   */
  findings: Finding[];
}

/** The name of the runner role's inline policy (the stack checks derived names against it). */
export const RUNNER_POLICY_NAME = 'ecr-push';

const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function isReference(value: string): boolean {
  return value.startsWith('arn:') || /^[^/]+\.dkr[.-]ecr/.test(value.replace(/^https?:\/\//, ''));
}

/** Resolve names to ARNs in the caller's account and region; ARNs and image references as given. */
function resolveArns(list: readonly string[], field: string, accountId: string, region: string): string[] {
  return list.map((value, i) =>
    isReference(value)
      ? repositoryArn(parseRepositoryRef(value, `${field}[${i}]`))
      : repositoryArn({ accountId, region, name: validateRepositoryName(value, `${field}[${i}]`) }),
  );
}

function checkList(list: unknown, field: string, required: boolean): readonly string[] {
  if (list === undefined && !required) return [];
  if (!Array.isArray(list) || (required && list.length === 0))
    throw new InvalidInputError(
      field,
      list,
      'a non-empty list of repository names, ARNs or image references',
    );
  list.forEach((value, i) => {
    if (typeof value !== 'string')
      throw new InvalidInputError(`${field}[${i}]`, value, 'a repository name, ARN or image reference');
    if (isReference(value)) parseRepositoryRef(value, `${field}[${i}]`);
    else validateRepositoryName(value, `${field}[${i}]`);
  });
  return list as string[];
}

/**
 * Ensure the IAM role a GitLab runner's build pods (kaniko, BuildKit) assume through IRSA: trust
 * for `system:serviceaccount:<namespace>:<serviceAccount>` from the cluster's OIDC provider, and an
 * inline least-privilege policy: push (and cache) on the named repositories, GetAuthorizationToken
 * alone on `*`. Idempotent with dry run (it uses iam-policies' `ensureRole`). Returns the service
 * account annotation and the runner config lines. When IAM has no OIDC provider for the issuer, a
 * dry run still returns the whole plan ("blocked" in the summaries) plus a `fail` finding in
 * `findings`, while an apply throws `OidcProviderMissing` before any change.
 *
 * @example
 * ```ts
 * const { roleArn, serviceAccountAnnotations, runnerConfigToml } = await ensureRunnerRole(clients, {
 *   cluster: 'prod', namespace: 'gitlab-runner', serviceAccount: 'build', repositories: ['team/app'],
 *   roleName: 'gitlab-runner-ecr-push', stack: 'prod', tags: { team: 'platform' },
 * });
 * ```
 */
export async function ensureRunnerRole(
  clients: AwsClients,
  input: RunnerRoleInput,
  options: EnsureOptions = {},
): Promise<RunnerRoleResult & { roleArn: string }> {
  const { repositories, tags, pull, cache } = validateRunnerRoleInput(input);
  const oidc = await findOidcProvider(clients, await runnerIssuer(clients, input));
  const findings = oidcProviderFindings(input, oidc);
  // An apply stops here, before any change; a plan goes on so the user sees all of it.
  if (findings.length > 0 && !options.dryRun) throw oidcProviderMissingError(oidc, input.cluster);
  const { accountId } = oidc;
  const region = clients.region;
  const pushArns = resolveArns(repositories, 'repositories', accountId, region);
  const cacheArns =
    input.cacheRepositories === false
      ? []
      : cache.length > 0
        ? resolveArns(cache, 'cacheRepositories', accountId, region)
        : pushArns.map((arn) => `${arn}/cache`);
  const policy = ecrBuilderPolicy({
    push: pushArns,
    ...(pull.length ? { pull: resolveArns(pull, 'pullRepositories', accountId, region) } : {}),
    ...(cacheArns.length ? { cache: cacheArns } : {}),
  });
  const trust = irsaTrustPolicy({
    oidcProviderArn: oidc.providerArn,
    namespace: input.namespace,
    serviceAccount: input.serviceAccount,
  });
  const result = await ensureRole(
    clients,
    {
      name: input.roleName,
      trust,
      description: `GitLab runner build pods (${input.namespace}/${input.serviceAccount}) push to ECR`,
      inlinePolicies: { [RUNNER_POLICY_NAME]: policy },
      ...(input.stack !== undefined ? { stack: input.stack } : {}),
      ...(tags !== undefined ? { tags } : {}),
    },
    options,
  );
  const blocked = findings.length > 0 ? blockedByOidcProvider(oidc) : '';
  return {
    ...result,
    changes: blocked
      ? result.changes.map((c) => ({ ...c, summary: `${c.summary}${blocked}` }))
      : result.changes,
    findings,
    roleArn: result.arn,
    policy,
    serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': result.arn },
    runnerConfigToml: `[runners.kubernetes]\n  namespace = "${input.namespace}"\n  service_account = "${input.serviceAccount}"\n`,
  };
}

/** The checked parts of the input (no AWS call). */
function validateRunnerRoleInput(input: RunnerRoleInput): {
  repositories: readonly string[];
  tags: Record<string, string> | undefined;
  pull: readonly string[];
  cache: readonly string[];
} {
  if (!input || typeof input !== 'object')
    throw new InvalidInputError('runnerRole', input, 'runner role options');
  validateRoleName(input.roleName, 'roleName');
  if ((input.cluster === undefined) === (input.issuer === undefined))
    throw new InvalidInputError('cluster', input.cluster, 'either cluster or issuer');
  if (input.cluster !== undefined) validateClusterName(input.cluster, 'cluster');
  if (
    input.issuer !== undefined &&
    (typeof input.issuer !== 'string' || !/^https:\/\/[^\s/]+\/\S*$/.test(input.issuer))
  )
    throw new InvalidInputError('issuer', input.issuer, 'an https:// OIDC issuer URL');
  if (typeof input.namespace !== 'string' || !K8S_NAME.test(input.namespace))
    throw new InvalidInputError('namespace', input.namespace, 'a Kubernetes namespace name');
  if (
    typeof input.serviceAccount !== 'string' ||
    !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(input.serviceAccount)
  )
    throw new InvalidInputError('serviceAccount', input.serviceAccount, 'a Kubernetes service account name');
  const repositories = checkList(input.repositories, 'repositories', true);
  const tags = input.tags !== undefined ? validateTags(input.tags, 'tags') : undefined;
  const pull = checkList(input.pullRepositories, 'pullRepositories', false);
  const cache =
    input.cacheRepositories === false ? [] : checkList(input.cacheRepositories, 'cacheRepositories', false);

  return { repositories, tags, pull, cache };
}

/** The issuer the role trusts: as given, or the cluster's (EKS DescribeCluster). */
async function runnerIssuer(clients: AwsClients, input: RunnerRoleInput): Promise<string> {
  let issuer = input.issuer;
  if (input.cluster !== undefined) {
    const eks = await clients.eks();
    try {
      const out = await eks.send(new DescribeClusterCommand({ name: input.cluster }));
      issuer = out.cluster?.identity?.oidc?.issuer;
    } catch (error) {
      // One wording for a missing cluster: core's clusterNotFoundError (issue 17).
      if (isNotFoundError(error)) throw clusterNotFoundError(input.cluster, clients.region, error);
      throw wrapAwsError(error, 'eks:DescribeCluster', input.cluster);
    }
    if (!issuer)
      throw new InvalidInputError('cluster', input.cluster, 'a cluster with an OIDC issuer', {
        hint: 'associate an IAM OIDC provider with the cluster (eksctl utils associate-iam-oidc-provider)',
      });
  }
  return issuer as string;
}

function oidcProviderFindings(input: RunnerRoleInput, oidc: OidcProviderLookup): Finding[] {
  if (oidc.exists) return [];
  return [
    oidcProviderMissingFinding('runner-role.oidc-provider', oidc, {
      ...(input.cluster !== undefined ? { cluster: input.cluster } : {}),
      blocks: `iam role ${input.roleName}`,
    }),
  ];
}

/**
 * What would stop {@link ensureRunnerRole} from applying, known before any change, as `fail`
 * findings (reads only: the issuer and its IAM OIDC provider, as the role procedure reads them).
 * Bad input throws `InvalidInputError` before any AWS call, as in `ensureRunnerRole`.
 *
 * @example
 * ```ts
 * const blockers = await findRunnerRoleBlockers(clients, { cluster: 'prod', namespace: 'gitlab-runner', serviceAccount: 'build', repositories: ['team/app'], roleName: 'ci-push' });
 * for (const f of blockers) console.log(`${f.check}: ${f.message} (${f.hint})`);
 * ```
 */
export async function findRunnerRoleBlockers(
  clients: AwsClients,
  input: RunnerRoleInput,
): Promise<Finding[]> {
  validateRunnerRoleInput(input);
  return oidcProviderFindings(input, await findOidcProvider(clients, await runnerIssuer(clients, input)));
}
