/**
 * The stack as JSON, the form eks-kit's deploy step stores for the checks Lambda (the template's
 * `EKS_KIT_STACK` or its SSM parameter): `JSON.parse`, then the same own-key, schema and semantic
 * checks as a YAML stack file. No YAML library is imported here, so a bundle that reads only JSON
 * stacks carries none.
 */
import { InvalidInputError } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import type { ParseStackOptions } from './parse-stack.js';
import { isTooLarge, MAX_STACK_BYTES, stackTooLarge, validateStackData } from './validate-data.js';

/**
 * Parse and validate a stack written as JSON. Every error is an {@link InvalidInputError} with a
 * one-line message naming the field and `source` (JSON syntax errors name the line), e.g. for a stack
 * parameter edited by hand in SSM: `ssm:/eks-kit/prod/stack: cluster.region: expected ...`. A valid
 * stack gives the same {@link Stack} as the YAML file it was written from (`JSON.stringify` of a
 * parsed stack is read back unchanged).
 *
 * @example
 * ```ts
 * const stack = parseStackJson(JSON.stringify(parseStack(yamlText)), 'EKS_KIT_STACK');
 * parseStackJson('{"name":"prod","cluster":{"name":"prod","region":"mars-1"}}', 'EKS_KIT_STACK');
 * // InvalidInputError "EKS_KIT_STACK: cluster.region: expected an AWS region ..., got \"mars-1\""
 * ```
 */
export function parseStackJson(
  text: string,
  source = 'eks-kit.json',
  options: ParseStackOptions = {},
): Stack {
  if (isTooLarge(text)) throw stackTooLarge(source, text.slice(0, MAX_STACK_BYTES));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw jsonSyntaxError(text, source, error);
  }
  return validateStackData(data, { locate: () => source }, options.defaultRegion);
}

/** The one-line error for text that is not JSON: the line of the parser's position, when it gives one. */
function jsonSyntaxError(text: string, source: string, error: unknown): InvalidInputError {
  const reason = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(reason);
  const offset = at ? Math.min(Number(at[1]), text.length) : text.length;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  const excerpt = text.slice(Math.max(0, offset - 20), offset + 20).replace(/\s+/g, ' ');
  return new InvalidInputError('stack', excerpt, 'valid JSON (the stack as eks-kit deploy writes it)', {
    location: `${source}:${line}`,
  });
}
