/**
 * Plain data helpers: the check that a value is YAML-safe plain data (deep key sorting is core's
 * `sortKeysDeep`, re-exported here).
 */
import { InvalidInputError, ownEntries } from '@eks-kit/core';

/** A YAML-safe value: what Helm values and helmfile.yaml are made of. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/**
 * Check that `value` is plain data (strings, finite numbers, booleans, null, arrays, plain objects),
 * naming the first offending field.
 *
 * @example
 * ```ts
 * assertPlainData({ a: [1, 'x'] }, 'values'); // ok
 * assertPlainData({ a: () => 1 }, 'values');  // throws InvalidInputError('values.a', ...)
 * ```
 */
export function assertPlainData(value: unknown, field: string): asserts value is PlainValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInputError(field, value, 'a finite number');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      assertPlainData(item, `${field}[${index}]`);
    });
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of ownEntries(value as Record<string, unknown>, field)) {
      if (item !== undefined) assertPlainData(item, `${field}.${key}`);
    }
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === null) {
    for (const [key, item] of ownEntries(value as Record<string, unknown>, field)) {
      if (item !== undefined) assertPlainData(item, `${field}.${key}`);
    }
    return;
  }
  throw new InvalidInputError(field, value, 'plain data (string, number, boolean, null, list or map)');
}
