/**
 * Small pure helpers that put policy values in canonical form: lists de-duplicated and sorted,
 * one-element lists as scalars, condition values as strings.
 */
import { compareCodeUnits, InvalidInputError } from '@eks-kit/core';
import type { StringOrList } from './types.js';

/** Code-unit order, the same on every machine and locale: core's `compareCodeUnits` (one copy). */
export const compareStrings = compareCodeUnits;

/**
 * A list of strings from a string or a list, each checked non-empty.
 *
 * @example
 * ```ts
 * toStringList('s3:GetObject', 'actions'); // ['s3:GetObject']
 * ```
 */
export function toStringList(value: unknown, field: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidInputError(field, value, 'a non-empty string or a non-empty list of strings');
  }
  return list.map((item, index) => {
    if (typeof item !== 'string' || item.trim() === '' || item !== item.trim()) {
      throw new InvalidInputError(
        `${field}[${index}]`,
        item,
        'a non-empty string without surrounding spaces',
      );
    }
    return item;
  });
}

/**
 * De-duplicate and sort; `caseInsensitive` keeps the first spelling of values equal but for case
 * (IAM action names are case-insensitive).
 *
 * @example
 * ```ts
 * uniqueSorted(['b', 'a', 'b']); // ['a', 'b']
 * ```
 */
export function uniqueSorted(values: readonly string[], caseInsensitive = false): string[] {
  const seen = new Map<string, string>();
  for (const value of values) {
    const key = caseInsensitive ? value.toLowerCase() : value;
    if (!seen.has(key)) seen.set(key, value);
  }
  return [...seen.entries()]
    .sort((a, b) => compareStrings(a[0], b[0]) || compareStrings(a[1], b[1]))
    .map(([, v]) => v);
}

/**
 * A list as IAM prints it canonically: one element as a scalar, more as a list.
 *
 * @example
 * ```ts
 * scalarIfSingle(['a']); // 'a'
 * scalarIfSingle(['a', 'b']); // ['a', 'b']
 * ```
 */
export function scalarIfSingle(values: readonly string[]): StringOrList {
  return values.length === 1 ? (values[0] as string) : [...values];
}

/**
 * A value (scalar or list) as a list; `undefined` as an empty list.
 *
 * @example
 * ```ts
 * asList('*'); // ['*']
 * asList(undefined); // []
 * ```
 */
export function asList(value: StringOrList | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

/**
 * A condition value as the string IAM compares (booleans and numbers become strings).
 *
 * @example
 * ```ts
 * conditionValueToString(true, 'Condition.Bool.aws:SecureTransport'); // 'true'
 * ```
 */
export function conditionValueToString(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new InvalidInputError(field, value, 'a string, number or boolean condition value');
}
