/**
 * The condition operators IAM accepts (IAM JSON policy reference, "Condition operators").
 */
import type { BaseConditionOperator, ConditionOperator } from './types.js';

const BASE_OPERATORS: readonly BaseConditionOperator[] = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
];

const BASE_SET: ReadonlySet<string> = new Set(BASE_OPERATORS);

/**
 * True when `name` is a condition operator IAM accepts: `[ForAnyValue:|ForAllValues:]<op>[IfExists]`
 * or `[ForAnyValue:|ForAllValues:]Null` (Null takes no IfExists).
 *
 * @example
 * ```ts
 * isConditionOperator('ForAnyValue:StringLikeIfExists'); // true
 * isConditionOperator('NullIfExists');                  // false
 * ```
 */
export function isConditionOperator(name: string): name is ConditionOperator {
  const withoutPrefix = name.replace(/^(?:ForAnyValue|ForAllValues):/, '');
  if (withoutPrefix === 'Null') return true;
  const base = withoutPrefix.endsWith('IfExists')
    ? withoutPrefix.slice(0, -'IfExists'.length)
    : withoutPrefix;
  return BASE_SET.has(base);
}

/** The base operators, for messages and suggestions. */
export const CONDITION_OPERATORS: readonly string[] = [...BASE_OPERATORS, 'Null'];
