/** Parse and validate `eks-kit.yaml` with errors that name the key path and its `file:line`. */
import { type FileHandle, open } from 'node:fs/promises';
import { EksKitError, InvalidInputError, pathProblem } from '@eks-kit/core';
import { type Stack, stackSchema } from '../schema/stack-schema.js';
import { parseYamlBounded } from './bounded-yaml.js';
import { type PathSegment, parsePath } from './field-path.js';
import { lineOfPath, locationOf, type SourceFile, valueAt } from './locate.js';
import { refuseProtoKeys } from './own-keys.js';
import { validateStack } from './semantic.js';
import { issueToError } from './zod-issues.js';

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
 * Largest stack file accepted, in bytes (a stack file is a few kilobytes; this stops accidents such
 * as `-f /dev/zero` or `yes | eks-kit plan -f -` early: reading stops here).
 */
export const MAX_STACK_BYTES = 1_000_000;

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
  if (text.length > MAX_STACK_BYTES || Buffer.byteLength(text, 'utf8') > MAX_STACK_BYTES)
    throw tooLarge(fileName, text.slice(0, MAX_STACK_BYTES));
  const { doc, lineCounter, data } = parseYamlBounded(text, fileName);
  const source: SourceFile = { fileName, doc, lineCounter };
  refuseProtoKeys(data, source); // issue 15: own keys only, before the schema drops __proto__
  fillDefaultRegion(data, options.defaultRegion);
  const result = stackSchema().safeParse(data);
  if (!result.success) {
    const issues = result.error.issues;
    // Report the first error in the file; a missing key last, since it is often the twin of a
    // misspelt one (`domain:` for `domainName:`), whose error names the fix.
    const first = issues
      .map((issue, order) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const keyPath = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0] ?? ''] : path;
        const missing = issue.code !== 'unrecognized_keys' && valueAt(data, path) === undefined;
        return { issue, order, missing: missing ? 1 : 0, line: lineOfPath(source, keyPath) };
      })
      .sort((a, b) => a.missing - b.missing || a.line - b.line || a.order - b.order)[0]!;
    throw issueToError(first.issue, source, data, stackSchema());
  }
  try {
    return validateStack(result.data);
  } catch (error) {
    if (error instanceof InvalidInputError)
      throw error.under('', locationOf(source, fieldPathIn(data, error.field)));
    throw error;
  }
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
    throw tooLarge(fileName, bytes.subarray(0, MAX_STACK_BYTES).toString('utf8'));
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

/** The error for a stack file over the limit, naming the line where the limit is passed. */
function tooLarge(fileName: string, head: string): InvalidInputError {
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
