/**
 * "Did you mean": the known name nearest to a typo, by Levenshtein distance (`fastest-levenshtein`).
 * One rule for every suggestion eks-kit makes (regions, stack file keys, command names, IAM actions).
 */
import { distance } from 'fastest-levenshtein';

/** How near a known name must be to be suggested. */
export interface NearestNameOptions {
  /**
   * The largest edit distance still suggested (default: half the typed name's length, at least 2);
   * `Infinity` always suggests the nearest.
   */
  maxDistance?: number;
}

/**
 * The known name nearest to `name` (case-insensitive; a name that contains the other, or is
 * contained in it, counts as at most 2 edits away), or undefined when none is near enough.
 * Ties go to the earlier known name.
 *
 * @example
 * ```ts
 * nearestName('subjectAltNames', ['domainName', 'subjectAlternativeNames']); // 'subjectAlternativeNames'
 * nearestName('eu-wst-1', ['eu-west-1', 'us-east-1']); // 'eu-west-1'
 * nearestName('zzzzzzzz', ['name', 'region']); // undefined
 * ```
 */
export function nearestName(
  name: string,
  known: Iterable<string>,
  options: NearestNameOptions = {},
): string | undefined {
  const typed = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    const edits = distance(typed, lower);
    const d = lower.includes(typed) || typed.includes(lower) ? Math.min(edits, 2) : edits;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = options.maxDistance ?? Math.max(2, Math.ceil(name.length / 2));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}
