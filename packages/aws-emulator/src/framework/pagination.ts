/**
 * Pagination helpers: opaque NextToken / Marker values over a sorted list.
 */
import { AwsError } from './errors.js';

/** One page and the token of the next page (undefined on the last page). */
export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

/**
 * Cuts one page from `items` starting at `token` (as produced by a previous call).
 * A token that this helper did not make is refused with `invalidTokenCode` (pass your service's code).
 * @example paginate(['a', 'b', 'c'], undefined, 2) // { items: ['a', 'b'], nextToken: '...' }
 */
export function paginate<T>(
  items: readonly T[],
  token: string | undefined,
  pageSize: number,
  invalidTokenCode = 'InvalidNextTokenException',
): Page<T> {
  let start = 0;
  if (token) {
    const decoded = /^p(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded) throw new AwsError(invalidTokenCode, 'The pagination token is invalid.', 400);
    start = Number(decoded[1]);
  }
  const size = Math.max(1, Math.floor(pageSize));
  const end = start + size;
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? Buffer.from(`p${end}`, 'utf8').toString('base64url') : undefined,
  };
}
