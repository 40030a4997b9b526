/** Turn a zod issue into eks-kit's one-line {@link InvalidInputError}. */
import { InvalidInputError, nearestName } from '@eks-kit/core';
import type { z } from 'zod';
import { formatPath, type PathSegment } from './field-path.js';
import { valueAt } from './locate-value.js';
import type { Locate } from './validate-data.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  innerType?: AnySchema;
  valueType?: AnySchema;
  in?: AnySchema;
}

const defOf = (schema: AnySchema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Unwrap optional/default/nullable/pipe wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    if (
      def.innerType &&
      ['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(def.type)
    )
      current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}

/**
 * The schema found at a path (object shapes, array elements, record values), or undefined.
 *
 * @example
 * ```ts
 * schemaAt(stackSchema(), ['certificates', 0]); // the certificate object schema
 * ```
 */
export function schemaAt(root: AnySchema, path: readonly PathSegment[]): AnySchema | undefined {
  let current: AnySchema | undefined = unwrap(root);
  for (const segment of path) {
    if (!current) return undefined;
    const def = defOf(current);
    if (def.type === 'object' && def.shape) current = def.shape[String(segment)];
    else if (def.type === 'array' && def.element) current = def.element;
    else if (def.type === 'record' && def.valueType) current = def.valueType;
    else return undefined;
    if (current) current = unwrap(current);
  }
  return current;
}

/**
 * The keys an object schema knows (none for other schemas).
 *
 * @example
 * ```ts
 * knownKeys(schemaAt(stackSchema(), ['cluster'])); // ['name', 'region', 'kubernetesVersion', 'oidcIssuer']
 * ```
 */
export function knownKeys(schema: AnySchema | undefined): string[] {
  if (!schema) return [];
  const def = defOf(schema);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a map of keys to values',
  array: 'a list',
  int: 'a whole number',
};

function expectedOf(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      // Custom messages (`{ error: '...' }`) carry our wording; zod's defaults start with "Invalid input".
      return issue.message && !issue.message.startsWith('Invalid input')
        ? issue.message
        : (ARTICLE[issue.expected] ?? `a ${issue.expected}`);
    case 'invalid_value':
      return `one of ${issue.values.map((v) => String(v)).join(' | ')}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1 && !issue.message.startsWith('Too small'))
        return issue.message;
      if (issue.origin === 'array') return `a list of at least ${issue.minimum}`;
      if (issue.origin === 'string') return `at least ${issue.minimum} characters`;
      return `at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `a list of at most ${issue.maximum}`;
      if (issue.origin === 'string') return `at most ${issue.maximum} characters`;
      return `at most ${issue.maximum}`;
    default:
      return issue.message.replace(/\s+/g, ' ');
  }
}

/**
 * The {@link InvalidInputError} for one zod issue, naming the field and where it is (`file:line` for YAML); an unknown
 * key names the nearest known key.
 *
 * @example
 * ```ts
 * throw issueToError(result.error.issues[0], (path) => locationOf(source, path), data, stackSchema());
 * // eks-kit.yaml:12: certificates[0].domain: expected a known key of certificates[0] (did you mean "domainName"?), ...
 * ```
 */
export function issueToError(
  issue: Issue,
  locate: Locate,
  data: unknown,
  root: AnySchema,
): InvalidInputError {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const keyPath = [...path, key];
    const known = knownKeys(schemaAt(root, path));
    const near = nearestName(key, known);
    const parent = formatPath(path) || 'the stack file';
    const expected = near
      ? `a known key of ${parent} (did you mean "${near}"?)`
      : `a known key of ${parent} (${known.join(', ')})`;
    return new InvalidInputError(formatPath(keyPath), key, expected, {
      location: locate(keyPath),
      hint: near ? `rename "${key}" to "${near}"` : `remove "${key}"`,
    });
  }
  return new InvalidInputError(formatPath(path) || 'stack', valueAt(data, path), expectedOf(issue), {
    location: locate(path),
  });
}
