/** Parse and validate `eks-kit.yaml` with errors that name the key path and its `file:line`. */
import { type FileHandle, open } from 'node:fs/promises';
import { EksKitError, InvalidInputError, pathProblem } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { parseYamlBounded } from './bounded-yaml.js';
import { lineOfPath, locationOf, type SourceFile } from './locate.js';
import {
  type DataLocator,
  isTooLarge,
  MAX_STACK_BYTES,
  stackTooLarge,
  validateStackData,
} from './validate-data.js';

export { MAX_STACK_BYTES };

/** Options of {@link parseStack} and {@link loadStack}. */
export interface ParseStackOptions {
  /**
   * The region of a stack file without `cluster.region` (the CLI passes --region, else AWS_REGION,
   * AWS_DEFAULT_REGION or the profile's, as its help says). Validated like `cluster.region`.
   */
  defaultRegion?: string;
  /** How {@link loadStack}'s errors name the path (the CLI passes `-f`); default `file`. */
  fileField?: string;
}

/**
 * Parse the text of a stack file. Every schema or semantic error is an {@link InvalidInputError}
 * whose one-line message names the key path and `file:line`; unknown keys are refused with the
 * nearest known key suggested. Of several errors, the first in the file is reported. YAML that a
 * stack file never needs (collection keys, tags, aliases to nowhere or too many, nesting deeper than
 * 64 levels) is refused the same way, before it can cost time or memory.
 *
 * @example
 * ```ts
 * const stack = parseStack(await readFile('eks-kit.yaml', 'utf8'), 'eks-kit.yaml');
 * // on error: "eks-kit.yaml:12: certificates[0].domainName: expected a DNS name ..., got \"foo.*.example.com\""
 * parseStack(textWithoutRegion, 'eks-kit.yaml', { defaultRegion: 'ap-northeast-1' }).cluster.region; // 'ap-northeast-1'
 * ```
 */
export function parseStack(text: string, fileName = 'eks-kit.yaml', options: ParseStackOptions = {}): Stack {
  const { data, ...where } = readStackYaml(text, fileName);
  return validateStackData(data, where, options.defaultRegion);
}

/** The data of a YAML stack file and how to find its fields' lines: {@link parseStack} before the schema. */
export interface StackYaml extends DataLocator {
  data: unknown;
}

/**
 * Read a YAML stack file's data without validating it: the bounded YAML parse (size, syntax, aliases,
 * depth and tag errors thrown as {@link InvalidInputError} with `file:line`) and the line of every
 * field. `validateStackData(data, where)` is the rest of {@link parseStack}; the checks Lambda loads
 * this part only when its stack is YAML (its JSON path carries no YAML library).
 *
 * @example
 * ```ts
 * const { data, ...where } = readStackYaml(text, 'eks-kit.yaml');
 * const stack = validateStackData(data, where); // errors name eks-kit.yaml:<line>
 * ```
 */
export function readStackYaml(text: string, fileName = 'eks-kit.yaml'): StackYaml {
  if (isTooLarge(text)) throw stackTooLarge(fileName, text.slice(0, MAX_STACK_BYTES));
  const { doc, lineCounter, data } = parseYamlBounded(text, fileName);
  const source: SourceFile = { fileName, doc, lineCounter };
  return { data, locate: (path) => locationOf(source, path), lineOf: (path) => lineOfPath(source, path) };
}

/**
 * Read and parse a stack file (`-` reads standard input).
 *
 * @example
 * ```ts
 * const stack = await loadStack('examples/seed/eks-kit.yaml');
 * console.log(stack.cluster.name); // 'seed'
 * ```
 */
export async function loadStack(path: string, options: ParseStackOptions = {}): Promise<Stack> {
  const field = options.fileField ?? 'file';
  if (path === '') throw new InvalidInputError(field, path, 'a stack file path, or - for standard input');
  const fileName = path === '-' ? '<stdin>' : path;
  const bytes = path === '-' ? await readBounded(process.stdin) : await readFileBounded(path, field);
  if (bytes.length > MAX_STACK_BYTES)
    throw stackTooLarge(fileName, bytes.subarray(0, MAX_STACK_BYTES).toString('utf8'));
  return parseStack(bytes.toString('utf8'), fileName, options);
}

/** The stack file's bytes, at most MAX_STACK_BYTES + 1 of them (a device or FIFO never reads forever). */
async function readFileBounded(path: string, field: string): Promise<Buffer> {
  if (path.includes('\0')) throw new InvalidInputError(field, path, 'a file path without NUL characters');
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return await readBounded(handle.createReadStream({ autoClose: false }));
  } catch (error) {
    if (error instanceof EksKitError) throw error;
    const problem = pathProblem(error);
    if (problem)
      throw new InvalidInputError(field, path, `a readable stack file (this is ${problem})`, {
        ...((error as NodeJS.ErrnoException).code === 'ENOENT'
          ? { hint: 'create one with: eks-kit init' }
          : {}),
      });
    throw new EksKitError('ReadFailed', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Read a stream until its end or one byte past MAX_STACK_BYTES, whichever comes first. */
async function readBounded(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(buffer);
    total += buffer.length;
    // Stop reading (leaving the loop closes the stream): `yes | eks-kit plan -f -` must not grow without end.
    if (total > MAX_STACK_BYTES) break;
  }
  return Buffer.concat(chunks);
}
