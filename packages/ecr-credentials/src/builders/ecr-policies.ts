/**
 * Least-privilege ECR identity policies for CI builders: actions on repository ARNs only, and
 * `ecr:GetAuthorizationToken` alone on `*` (it has no resource; docs/AWS-FACTS.md#ecr-push-and-pull-permissions).
 */
import { InvalidInputError } from '@eks-kit/core';
import { type PolicyDocument, type PolicyStatement, policyDocument, statement } from '@eks-kit/iam-policies';
import { parseRepositoryRef, repositoryArn } from './repository-ref.js';

/** Actions kaniko/BuildKit need to push to a repository (docs/AWS-FACTS.md#ecr-push-and-pull-permissions). */
export const ECR_PUSH_ACTIONS: readonly string[] = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:CompleteLayerUpload',
  'ecr:InitiateLayerUpload',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
];

/** Actions needed to pull from a repository (docs/AWS-FACTS.md#ecr-push-and-pull-permissions). */
export const ECR_PULL_ACTIONS: readonly string[] = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

function arnsOf(repositories: readonly string[], field: string): string[] {
  if (!Array.isArray(repositories) || repositories.length === 0)
    throw new InvalidInputError(
      field,
      repositories,
      'a non-empty list of repository ARNs or image references',
    );
  const arns = repositories.map((r, i) => repositoryArn(parseRepositoryRef(r, `${field}[${i}]`)));
  return [...new Set(arns)].sort();
}

/** GetAuthorizationToken has no resource type: it is the one action on `*`. */
function document(statements: PolicyStatement[]): PolicyDocument {
  return policyDocument(
    [
      statement({ sid: 'EcrGetAuthorizationToken', actions: 'ecr:GetAuthorizationToken', resources: '*' }),
      ...statements,
    ],
    { kind: 'identity' },
  );
}

/**
 * Policy letting a builder push to (and read back from) the given repositories.
 *
 * @example
 * ```ts
 * ecrPushPolicy(['123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app']);
 * // Statement[1].Resource: ['arn:aws:ecr:eu-west-1:123456789012:repository/team/app']
 * ```
 */
export function ecrPushPolicy(repositories: readonly string[]): PolicyDocument {
  return document([
    statement({ sid: 'EcrPush', actions: ECR_PUSH_ACTIONS, resources: arnsOf(repositories, 'repositories') }),
  ]);
}

/**
 * Policy letting a builder pull base images from the given repositories.
 *
 * @example
 * ```ts
 * ecrPullPolicy(['arn:aws:ecr:eu-west-1:123456789012:repository/base/node']);
 * ```
 */
export function ecrPullPolicy(repositories: readonly string[]): PolicyDocument {
  return document([
    statement({ sid: 'EcrPull', actions: ECR_PULL_ACTIONS, resources: arnsOf(repositories, 'repositories') }),
  ]);
}

/**
 * Policy for kaniko's `--cache-repo` (or BuildKit's registry cache): push and pull on the cache repositories.
 *
 * @example
 * ```ts
 * ecrCachePolicy(['123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app/cache']);
 * ```
 */
export function ecrCachePolicy(cacheRepositories: readonly string[]): PolicyDocument {
  const actions = [...new Set([...ECR_PUSH_ACTIONS, ...ECR_PULL_ACTIONS])].sort();
  return document([
    statement({ sid: 'EcrCache', actions, resources: arnsOf(cacheRepositories, 'cacheRepositories') }),
  ]);
}

/**
 * One policy for a CI builder: push to `push`, pull from `pull`, push+pull on `cache`.
 *
 * @example
 * ```ts
 * ecrBuilderPolicy({ push: [app], cache: [`${app}/cache`], pull: [base] });
 * ```
 */
export function ecrBuilderPolicy(input: {
  push?: readonly string[];
  pull?: readonly string[];
  cache?: readonly string[];
}): PolicyDocument {
  const statements: PolicyStatement[] = [];
  const parts = [
    ['push', ecrPushPolicy],
    ['pull', ecrPullPolicy],
    ['cache', ecrCachePolicy],
  ] as const;
  for (const [key, build] of parts) {
    const list = input[key];
    if (list === undefined || list.length === 0) continue;
    try {
      statements.push(...build(list).Statement.slice(1));
    } catch (e) {
      if (e instanceof InvalidInputError) throw e.under(key);
      throw e;
    }
  }
  if (statements.length === 0)
    throw new InvalidInputError('repositories', undefined, 'at least one repository to push, pull or cache');
  return document(statements);
}
