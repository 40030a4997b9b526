/**
 * Reading handler inputs: required/optional strings, integers, booleans and lists, with AWS's
 * validation errors.
 */
import { validationError } from './errors.js';

/** The camelCase field name AWS puts in validation messages (`RoleName` -> `roleName`). */
function fieldName(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/**
 * A required string input; missing or empty is a ValidationError ("Member must not be null").
 * @example const name = requireString(req.input, 'RoleName')
 */
export function requireString(input: Record<string, unknown>, key: string, code = 'ValidationError'): string {
  const v = input[key];
  if (typeof v !== 'string' || v === '') {
    throw validationError(fieldName(key), undefined, 'Member must not be null', code);
  }
  return v;
}

/**
 * An optional string input.
 * @example optionalString(req.input, 'Description')
 */
export function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const v = input[key];
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/**
 * An optional integer input (query strings or JSON numbers), checked against [min, max].
 * @example optionalInt(req.input, 'MaxItems', 1, 1000)
 */
export function optionalInt(
  input: Record<string, unknown>,
  key: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
  code = 'ValidationError',
): number | undefined {
  const v = input[key];
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n)) throw validationError(fieldName(key), v, 'Member must be an integer', code);
  if (n < min) {
    throw validationError(fieldName(key), v, `Member must have value greater than or equal to ${min}`, code);
  }
  if (n > max)
    throw validationError(fieldName(key), v, `Member must have value less than or equal to ${max}`, code);
  return n;
}

/**
 * An optional boolean input (`true`/`false` strings or JSON booleans).
 * @example optionalBool(req.input, 'SetAsDefault') ?? false
 */
export function optionalBool(input: Record<string, unknown>, key: string): boolean | undefined {
  const v = input[key];
  if (v === undefined || v === '') return undefined;
  return v === true || v === 'true';
}

/**
 * A list input: `undefined` and `''` (an empty awsQuery list) are `[]`; a single value is a one-item list.
 * @example asList<{ Key: string; Value: string }>(req.input.Tags)
 */
export function asList<T = unknown>(value: unknown): T[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

/**
 * Checks a name against a length range and a pattern, as AWS validates names.
 * @example validateName('RoleName', name, 1, 64, /^[\w+=,.@-]+$/)
 */
export function validateName(
  key: string,
  value: string,
  min: number,
  max: number,
  pattern?: RegExp,
  code = 'ValidationError',
): void {
  const field = fieldName(key);
  if ([...value].length < min) {
    throw validationError(field, value, `Member must have length greater than or equal to ${min}`, code);
  }
  if ([...value].length > max) {
    throw validationError(field, value, `Member must have length less than or equal to ${max}`, code);
  }
  if (pattern && !pattern.test(value)) {
    throw validationError(
      field,
      value,
      `Member must satisfy regular expression pattern: ${pattern.source.replace(/^\^|\$$/g, '')}`,
      code,
    );
  }
}

/**
 * Deprecated name of {@link validateName} (`check*` returns findings; this throws a ValidationException, like every `validate*`); the same function. Kept for one minor version.
 *
 * @deprecated Use {@link validateName}.
 * @example
 * ```ts
 * validateName(...args); // instead of checkName(...args)
 * ```
 */
export const checkName: typeof validateName = validateName;
