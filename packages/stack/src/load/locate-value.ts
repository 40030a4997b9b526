/** The plain value at a field path of parsed data (no YAML: the JSON loader uses it too). */
import type { PathSegment } from './field-path.js';

/**
 * The plain value at a path of a JS object (undefined when absent).
 *
 * @example
 * ```ts
 * valueAt({ a: [{ b: 1 }] }, ['a', 0, 'b']); // 1
 * ```
 */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}
