/**
 * Whether ECR refuses to overwrite a tag, from the repository's tag mutability and its exclusion
 * filters (ECR API Reference, ImageTagMutabilityExclusionFilter: WILDCARD filters, `*` matches any
 * run of characters). `IMMUTABLE_WITH_EXCLUSION`: every tag immutable except those matching a filter;
 * `MUTABLE_WITH_EXCLUSION`: every tag mutable except those matching a filter.
 */

function wildcardMatches(filter: string, tag: string): boolean {
  const pattern = filter
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(tag);
}

/**
 * True when ECR would refuse to push `tag` over an existing image of that tag (TAG_INVALID).
 * Unknown mutability values count as mutable (nothing to warn about).
 *
 * @example
 * ```ts
 * isTagImmutable('IMMUTABLE', [], 'v1');                      // true
 * isTagImmutable('IMMUTABLE_WITH_EXCLUSION', ['dev-*'], 'dev-42'); // false: excluded, stays mutable
 * isTagImmutable('MUTABLE_WITH_EXCLUSION', ['release-*'], 'release-1'); // true: excluded, immutable
 * ```
 */
export function isTagImmutable(
  mutability: string,
  exclusionFilters: readonly string[],
  tag: string,
): boolean {
  const excluded = exclusionFilters.some((filter) => wildcardMatches(filter, tag));
  switch (mutability) {
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
    default:
      return false;
  }
}
