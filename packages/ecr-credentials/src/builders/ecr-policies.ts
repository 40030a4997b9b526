/**
 * Least-privilege ECR identity policies for CI builders: actions on repository ARNs only, and
 * `ecr:GetAuthorizationToken` alone on `*` (it has no resource; AWS-FACTS.md "Push needs").
 */
import { InvalidInputError } from '@eks-kit/core';
import { parseRepositoryRef, repositoryArn } from './repository-ref.js';

/** An IAM policy statement as eks-kit writes it. */
export interface EcrPolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

/** An IAM identity policy document. */
export interface EcrPolicyDocument {
  Version: '2012-10-17';
  Statement: EcrPolicyStatement[];
}

/** Actions kaniko/BuildKit need to push to a repository (AWS-FACTS.md). */
export const ECR_PUSH_ACTIONS: readonly string[] = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:CompleteLayerUpload',
  'ecr:InitiateLayerUpload',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
];

/** Actions needed to pull from a repository (AWS-FACTS.md). */
export const ECR_PULL_ACTIONS: readonly string[] = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

function arnsOf(repositories: readonly string[], field: string): string[] {
  if (!Array.isArray(repositories) || repositories.length === 0)
    throw new InvalidInputError(field, repositories, 'a non-empty list of repository ARNs or image references');
  const arns = repositories.map((r, i) => repositoryArn(parseRepositoryRef(r, `${field}[${i}]`)));
  return [...new Set(arns)].sort();
}

function document(statements: EcrPolicyStatement[]): EcrPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'EcrGetAuthorizationToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      ...statements,
    ],
  };
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
export function ecrPushPolicy(repositories: readonly string[]): EcrPolicyDocument {
  return document([
    { Sid: 'EcrPush', Effect: 'Allow', Action: [...ECR_PUSH_ACTIONS], Resource: arnsOf(repositories, 'repositories') },
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
export function ecrPullPolicy(repositories: readonly string[]): EcrPolicyDocument {
  return document([
    { Sid: 'EcrPull', Effect: 'Allow', Action: [...ECR_PULL_ACTIONS], Resource: arnsOf(repositories, 'repositories') },
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
export function ecrCachePolicy(cacheRepositories: readonly string[]): EcrPolicyDocument {
  const actions = [...new Set([...ECR_PUSH_ACTIONS, ...ECR_PULL_ACTIONS])].sort();
  return document([
    { Sid: 'EcrCache', Effect: 'Allow', Action: actions, Resource: arnsOf(cacheRepositories, 'cacheRepositories') },
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
}): EcrPolicyDocument {
  const statements: EcrPolicyStatement[] = [];
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
