/**
 * ECR repository names and ARNs (docs/AWS-FACTS.md#ecr-repositories: name grammar, 2-256 characters).
 */
import { InvalidInputError, parseArn, partitionOfRegion } from '@eks-kit/core';
import { parseRegistryHost } from './registry-host.js';

const REPOSITORY_NAME_RE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * Check an ECR repository name: 2-256 characters, lower-case path components of letters and digits
 * separated by `.`, `_` or `-`, joined by `/`.
 *
 * @example
 * ```ts
 * validateRepositoryName('team/app');   // 'team/app'
 * validateRepositoryName('Team/App');   // throws InvalidInputError naming `repository`
 * ```
 */
export function validateRepositoryName(value: unknown, field = 'repository'): string {
  if (
    typeof value !== 'string' ||
    value.length < 2 ||
    value.length > 256 ||
    !REPOSITORY_NAME_RE.test(value)
  ) {
    throw new InvalidInputError(
      field,
      value,
      'an ECR repository name of 2-256 characters: lower-case letters and digits, separated by . _ - or /',
    );
  }
  return value;
}

/**
 * The name of a repository's kaniko/BuildKit layer cache repository: `<repo>/cache`.
 *
 * @example
 * ```ts
 * cacheRepositoryName('team/app'); // 'team/app/cache'
 * ```
 */
export function cacheRepositoryName(repository: string): string {
  return validateRepositoryName(`${validateRepositoryName(repository)}/cache`, 'repository');
}

/** Where a repository lives. */
export interface RepositoryRef {
  accountId: string;
  region: string;
  name: string;
}

/**
 * The ARN of a private ECR repository.
 *
 * @example
 * ```ts
 * repositoryArn({ accountId: '123456789012', region: 'eu-west-1', name: 'team/app' });
 * // 'arn:aws:ecr:eu-west-1:123456789012:repository/team/app'
 * ```
 */
export function repositoryArn(ref: RepositoryRef): string {
  return `arn:${partitionOfRegion(ref.region)}:ecr:${ref.region}:${ref.accountId}:repository/${ref.name}`;
}

/**
 * Parse a repository given as an ARN (`arn:aws:ecr:<region>:<account>:repository/<name>`) or as an
 * image reference (`<account>.dkr.ecr.<region>.amazonaws.com/<name>[:tag|@digest]`).
 *
 * @example
 * ```ts
 * parseRepositoryRef('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.0');
 * // { accountId: '123456789012', region: 'eu-west-1', name: 'team/app' }
 * ```
 */
export function parseRepositoryRef(value: unknown, field = 'repository'): RepositoryRef {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidInputError(field, value, 'a repository ARN or <registry host>/<name>');
  if (value.startsWith('arn:')) {
    const arn = parseArn(value, field);
    if (arn.service !== 'ecr' || !arn.resource.startsWith('repository/') || !arn.region || !arn.accountId)
      throw new InvalidInputError(
        field,
        value,
        'an ECR repository ARN (arn:aws:ecr:<region>:<account>:repository/<name>)',
      );
    const name = validateRepositoryName(arn.resource.slice('repository/'.length), field);
    return { accountId: arn.accountId, region: arn.region, name };
  }
  const withoutScheme = value.trim().replace(/^https?:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  if (slash < 0) throw new InvalidInputError(field, value, 'a repository ARN or <registry host>/<name>');
  const host = parseRegistryHost(withoutScheme.slice(0, slash), field);
  if (host.kind !== 'private' || host.accountId === undefined)
    throw new InvalidInputError(field, value, 'a private ECR repository (ECR Public has its own actions)');
  const name = withoutScheme
    .slice(slash + 1)
    .replace(/@sha256:[a-f0-9]{64}$/, '')
    .replace(/:[\w][\w.-]{0,127}$/, '');
  return { accountId: host.accountId, region: host.region, name: validateRepositoryName(name, field) };
}
