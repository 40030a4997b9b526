/**
 * One statement in canonical form: keys in IAM's usual order, lists de-duplicated and sorted,
 * one-element lists as scalars, condition values as strings. Structural errors name the path.
 */
import { InvalidInputError } from '@eks-kit/core';
import {
  compareStrings,
  conditionValueToString,
  scalarIfSingle,
  toStringList,
  uniqueSorted,
} from './canonical-values.js';
import { isConditionOperator } from './condition-operators.js';
import type { PolicyCondition, PolicyPrincipal, PolicyStatement } from './types.js';

const STATEMENT_KEYS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
] as const;
const STATEMENT_KEY_SET: ReadonlySet<string> = new Set(STATEMENT_KEYS);
const PRINCIPAL_KEYS = ['AWS', 'CanonicalUser', 'Federated', 'Service'] as const;
const PRINCIPAL_KEY_SET: ReadonlySet<string> = new Set(PRINCIPAL_KEYS);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A principal block in canonical form (`*` is kept here and refused by the kind rules).
 *
 * @example
 * ```ts
 * canonicalPrincipal({ Service: ['b.amazonaws.com', 'a.amazonaws.com'] }, 'Principal');
 * // { Service: ['a.amazonaws.com', 'b.amazonaws.com'] }
 * ```
 */
export function canonicalPrincipal(value: unknown, field: string): PolicyPrincipal {
  if (value === '*') return '*';
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    throw new InvalidInputError(field, value, 'a principal map such as { "Service": "ec2.amazonaws.com" }');
  }
  const out: Record<string, string | string[]> = {};
  for (const key of Object.keys(value)) {
    if (!PRINCIPAL_KEY_SET.has(key))
      throw new InvalidInputError(`${field}.${key}`, key, `a principal type: ${PRINCIPAL_KEYS.join(', ')}`);
  }
  for (const key of PRINCIPAL_KEYS) {
    if (value[key] === undefined) continue;
    out[key] = scalarIfSingle(uniqueSorted(toStringList(value[key], `${field}.${key}`)));
  }
  return out as PolicyPrincipal;
}

/**
 * A condition block in canonical form: operators and keys sorted, values as sorted unique strings.
 *
 * @example
 * ```ts
 * canonicalCondition({ Bool: { 'aws:SecureTransport': true } }, 'Condition');
 * // { Bool: { 'aws:SecureTransport': 'true' } }
 * ```
 */
export function canonicalCondition(value: unknown, field: string): PolicyCondition {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    throw new InvalidInputError(field, value, 'a condition map { operator: { key: value } }');
  }
  const out: PolicyCondition = {};
  for (const operator of Object.keys(value).sort(compareStrings)) {
    const opField = `${field}.${operator}`;
    if (!isConditionOperator(operator)) {
      throw new InvalidInputError(
        opField,
        operator,
        'a condition operator such as StringEquals, ArnLike, Bool, IpAddress or Null',
        {
          hint: 'operators may be prefixed by ForAnyValue: or ForAllValues: and suffixed by IfExists',
        },
      );
    }
    const keys = value[operator];
    if (!isPlainObject(keys) || Object.keys(keys).length === 0) {
      throw new InvalidInputError(opField, keys, 'a map of condition keys to values');
    }
    const block: Record<string, string | string[]> = {};
    for (const key of Object.keys(keys).sort(compareStrings)) {
      const keyField = `${opField}.${key}`;
      if (key.trim() === '')
        throw new InvalidInputError(keyField, key, 'a condition key such as aws:SourceAccount');
      const raw = keys[key];
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0) throw new InvalidInputError(keyField, raw, 'at least one condition value');
      const strings = list.map((item, index) =>
        conditionValueToString(item, Array.isArray(raw) ? `${keyField}[${index}]` : keyField),
      );
      if (operator.replace(/^For(?:Any|All)Values:/, '') === 'Null') {
        strings.forEach((s, index) => {
          if (s !== 'true' && s !== 'false')
            throw new InvalidInputError(
              Array.isArray(raw) ? `${keyField}[${index}]` : keyField,
              s,
              'true or false for Null',
            );
        });
      }
      block[key] = scalarIfSingle(uniqueSorted(strings));
    }
    out[operator] = block;
  }
  return out;
}

/**
 * A statement in canonical form. Throws {@link InvalidInputError} naming the path
 * (`Statement[1].Action[0]`) on a structural error: unknown keys, both Action and NotAction, a bad
 * Effect or Sid, an empty list, an unknown condition operator.
 *
 * @example
 * ```ts
 * canonicalStatement({ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObject'], Resource: ['*'] }, 'Statement[0]');
 * // { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }
 * ```
 */
export function canonicalStatement(value: unknown, field: string): PolicyStatement {
  if (!isPlainObject(value)) throw new InvalidInputError(field, value, 'a statement object');
  for (const key of Object.keys(value)) {
    if (!STATEMENT_KEY_SET.has(key))
      throw new InvalidInputError(`${field}.${key}`, key, `a statement key: ${STATEMENT_KEYS.join(', ')}`);
  }
  const sid = value.Sid;
  if (sid !== undefined) {
    if (typeof sid !== 'string' || !/^[A-Za-z0-9]+$/.test(sid)) {
      throw new InvalidInputError(`${field}.Sid`, sid, 'a Sid of ASCII letters and digits only');
    }
  }
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') {
    throw new InvalidInputError(`${field}.Effect`, value.Effect, 'Allow or Deny');
  }
  if (value.Action !== undefined && value.NotAction !== undefined)
    throw new InvalidInputError(
      `${field}.NotAction`,
      value.NotAction,
      'either Action or NotAction, not both',
    );
  if (value.Action === undefined && value.NotAction === undefined)
    throw new InvalidInputError(`${field}.Action`, undefined, 'an Action or NotAction list');
  if (value.Resource !== undefined && value.NotResource !== undefined)
    throw new InvalidInputError(
      `${field}.NotResource`,
      value.NotResource,
      'either Resource or NotResource, not both',
    );
  if (value.Principal !== undefined && value.NotPrincipal !== undefined)
    throw new InvalidInputError(
      `${field}.NotPrincipal`,
      value.NotPrincipal,
      'either Principal or NotPrincipal, not both',
    );

  const result: Record<string, unknown> = {};
  if (typeof sid === 'string') result.Sid = sid;
  result.Effect = value.Effect;
  if (value.Principal !== undefined)
    result.Principal = canonicalPrincipal(value.Principal, `${field}.Principal`);
  if (value.NotPrincipal !== undefined)
    result.NotPrincipal = canonicalPrincipal(value.NotPrincipal, `${field}.NotPrincipal`);
  for (const key of ['Action', 'NotAction'] as const) {
    if (value[key] === undefined) continue;
    const list = toStringList(value[key], `${field}.${key}`);
    list.forEach((action, index) => {
      if (action !== '*' && !/^[a-zA-Z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) {
        throw new InvalidInputError(
          typeof value[key] === 'string' ? `${field}.${key}` : `${field}.${key}[${index}]`,
          action,
          'an action such as ec2:DescribeInstances (service:Action, wildcards * and ? allowed)',
        );
      }
    });
    result[key] = scalarIfSingle(uniqueSorted(list, true));
  }
  for (const key of ['Resource', 'NotResource'] as const) {
    if (value[key] === undefined) continue;
    result[key] = scalarIfSingle(uniqueSorted(toStringList(value[key], `${field}.${key}`)));
  }
  if (value.Condition !== undefined)
    result.Condition = canonicalCondition(value.Condition, `${field}.Condition`);
  return result as unknown as PolicyStatement;
}
