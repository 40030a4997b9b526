/**
 * Plain data helpers: deep key sorting (stable output whatever the caller's insertion order) and
 * the check that a value is YAML-safe plain data.
 */
import { InvalidInputError, ownEntries } from '@eks-kit/core';

/** A YAML-safe value: what Helm values and helmfile.yaml are made of. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/**
 * A copy of `value` with every map's keys sorted (arrays keep their order).
 *
 * @example
 * ```ts
 * sortKeysDeep({ b: 1, a: { d: 2, c: 3 } }); // { a: { c: 3, d: 2 }, b: 1 }
 * ```
 */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => sortKeysDeep(item)) as T;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeysDeep(v)])) as T;
  }
  return value;
}

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
