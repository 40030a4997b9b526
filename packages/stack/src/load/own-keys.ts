/**
 * Own keys only in a stack file: a `__proto__` key anywhere (tags, labels, extraArgs, node
 * templates, zones...) is refused at load time with `file:line`, instead of being dropped silently by
 * the schema (zod skips it in records) or changing an object's prototype further on.
 */
import { InvalidInputError, PROTO_KEY } from '@eks-kit/core';
import { formatPath, type PathSegment } from './field-path.js';
import type { Locate } from './validate-data.js';

/**
 * Throw {@link InvalidInputError} (field and `file:line`) for the first `__proto__` key in the data
 * read from a stack file. Shared nodes (YAML aliases) are visited once.
 *
 * @example
 * ```ts
 * refuseProtoKeys(doc.toJS(), (path) => locationOf(source, path)); // "eks-kit.yaml:7: tags.__proto__: expected a key other than __proto__ ..."
 * ```
 */
export function refuseProtoKeys(data: unknown, locate: Locate): void {
  const seen = new Set<object>();
  const stack: [unknown, PathSegment[]][] = [[data, []]];
  while (stack.length > 0) {
    const [value, path] = stack.pop() as [unknown, PathSegment[]];
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], [...path, i]]);
      continue;
    }
    const keys = Object.keys(value);
    if (keys.includes(PROTO_KEY)) {
      const keyPath = [...path, PROTO_KEY];
      throw new InvalidInputError(
        formatPath(keyPath),
        PROTO_KEY,
        'a key other than __proto__ (it would replace the object prototype)',
        { location: locate(keyPath) },
      );
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      stack.push([(value as Record<string, unknown>)[key], [...path, key]]);
    }
  }
}
