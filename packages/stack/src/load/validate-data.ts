/**
 * The part of loading a stack that does not depend on its text format: own keys, the default region,
 * the schema, the semantic rules. The YAML loader (`parse-stack.ts`) and the JSON loader
 * (`parse-stack-json.ts`) both end here, so a stack gets the same checks and messages either way; only
 * where an error points differs (`file:line` for YAML, the source's name for JSON). Imports no YAML
 * library: the checks Lambda reads JSON without carrying one.
 */
import { InvalidInputError } from '@eks-kit/core';
import { type Stack, stackSchema } from '../schema/stack-schema.js';
import { type PathSegment, parsePath } from './field-path.js';
import { valueAt } from './locate-value.js';
import { refuseProtoKeys } from './own-keys.js';
import { validateStack } from './semantic.js';
import { issueToError } from './zod-issues.js';

/** Where a field is, for an error's `location` (`eks-kit.yaml:12`, or a source name). */
export type Locate = (path: readonly PathSegment[]) => string;

/** How to point at a field of the data being validated. */
export interface DataLocator {
  /** The error location of a field. */
  locate: Locate;
  /** The line of a field (orders several schema errors by their place in the file); default: none. */
  lineOf?: (path: readonly PathSegment[]) => number;
}

/**
 * Largest stack file accepted, in bytes (a stack file is a few kilobytes; this stops accidents such
 * as `-f /dev/zero` or `yes | eks-kit plan -f -` early: reading stops here).
 */
export const MAX_STACK_BYTES = 1_000_000;

/**
 * Validate parsed stack data (from YAML or JSON) and return the normalised stack. Throws the first
 * {@link InvalidInputError} in the file's order (a missing key last: it is often the twin of a
 * misspelt one, whose error names the fix).
 *
 * @example
 * ```ts
 * const stack = validateStackData(JSON.parse(text), { locate: () => 'EKS_KIT_STACK' });
 * // on error: "EKS_KIT_STACK: cluster.region: expected an AWS region ..., got \"mars-1\""
 * ```
 */
export function validateStackData(data: unknown, where: DataLocator, defaultRegion?: string): Stack {
  refuseProtoKeys(data, where.locate); // issue 15: own keys only, before the schema drops __proto__
  fillDefaultRegion(data, defaultRegion);
  const result = stackSchema().safeParse(data);
  if (!result.success) {
    const lineOf = where.lineOf ?? (() => 0);
    const first = result.error.issues
      .map((issue, order) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const keyPath = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0] ?? ''] : path;
        const missing = issue.code !== 'unrecognized_keys' && valueAt(data, path) === undefined;
        return { issue, order, missing: missing ? 1 : 0, line: lineOf(keyPath) };
      })
      .sort((a, b) => a.missing - b.missing || a.line - b.line || a.order - b.order)[0]!;
    throw issueToError(first.issue, where.locate, data, stackSchema());
  }
  try {
    return validateStack(result.data);
  } catch (error) {
    if (error instanceof InvalidInputError)
      throw error.under('', where.locate(fieldPathIn(data, error.field)));
    throw error;
  }
}

/**
 * The error for a stack over {@link MAX_STACK_BYTES}, naming the line where the limit is passed.
 *
 * @example
 * ```ts
 * throw stackTooLarge('eks-kit.yaml', text.slice(0, MAX_STACK_BYTES)); // "eks-kit.yaml:40001: stack: expected a stack file of at most ..."
 * ```
 */
export function stackTooLarge(fileName: string, head: string): InvalidInputError {
  let line = 1;
  for (let i = head.indexOf('\n'); i !== -1; i = head.indexOf('\n', i + 1)) line++;
  return new InvalidInputError(
    'stack',
    `more than ${MAX_STACK_BYTES} bytes`,
    `a stack file of at most ${MAX_STACK_BYTES} bytes`,
    {
      location: `${fileName}:${line}`,
    },
  );
}

/**
 * Whether a text is over {@link MAX_STACK_BYTES} (characters first: no byte count of a huge string).
 *
 * @example
 * ```ts
 * if (isTooLarge(text)) throw stackTooLarge('eks-kit.yaml', text.slice(0, MAX_STACK_BYTES));
 * ```
 */
export function isTooLarge(text: string): boolean {
  return text.length > MAX_STACK_BYTES || Buffer.byteLength(text, 'utf8') > MAX_STACK_BYTES;
}

/**
 * The path of a field named in an error, as found in the data: validators name map entries as
 * `tags.<key>` without quoting, so a key such as `x["\q"]` or `a.b` is found by trying the text after
 * each dot as one raw key when the plain parse names nothing in the data.
 */
function fieldPathIn(data: unknown, field: string): PathSegment[] {
  const path = parsePath(field);
  if (valueAt(data, path) !== undefined || field.length > 1000) return path;
  for (let dot = field.indexOf('.'); dot !== -1; dot = field.indexOf('.', dot + 1)) {
    const candidate = [...parsePath(field.slice(0, dot)), field.slice(dot + 1)];
    if (valueAt(data, candidate) !== undefined) return candidate;
  }
  return path;
}

/** `cluster.region` from the default when the file leaves it out (the file's own always wins). */
function fillDefaultRegion(data: unknown, defaultRegion: string | undefined): void {
  if (defaultRegion === undefined || typeof data !== 'object' || data === null) return;
  const cluster = (data as Record<string, unknown>).cluster;
  if (typeof cluster !== 'object' || cluster === null || Array.isArray(cluster)) return;
  const fields = cluster as Record<string, unknown>;
  if (fields.region === undefined || fields.region === null) fields.region = defaultRegion;
}
