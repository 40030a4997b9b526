/** Parse and validate `eks-kit.yaml` with errors that name the key path and its `file:line`. */
import { readFile } from 'node:fs/promises';
import { EksKitError, InvalidInputError } from '@eks-kit/core';
import { LineCounter, parseDocument } from 'yaml';
import { type Stack, stackSchema } from '../schema/stack-schema.js';
import { parsePath } from './field-path.js';
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
}

/** Largest stack file accepted (a stack file is a few kilobytes; this stops accidents early). */
const MAX_BYTES = 1_000_000;

/**
 * Parse the text of a stack file. Every schema or semantic error is an {@link InvalidInputError}
 * whose one-line message names the key path and `file:line`; unknown keys are refused with the
 * nearest known key suggested. Of several errors, the first in the file is reported.
 *
 * @example
 * ```ts
 * const stack = parseStack(await readFile('eks-kit.yaml', 'utf8'), 'eks-kit.yaml');
 * // on error: "eks-kit.yaml:12: certificates[0].domainName: expected a DNS name ..., got \"foo.*.example.com\""
 * parseStack(textWithoutRegion, 'eks-kit.yaml', { defaultRegion: 'ap-northeast-1' }).cluster.region; // 'ap-northeast-1'
 * ```
 */
export function parseStack(text: string, fileName = 'eks-kit.yaml', options: ParseStackOptions = {}): Stack {
  if (text.length > MAX_BYTES)
    throw new InvalidInputError(
      'stack',
      `${text.length} bytes`,
      `a stack file of at most ${MAX_BYTES} bytes`,
      {
        location: fileName,
      },
    );
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const source: SourceFile = { fileName, doc, lineCounter };
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    const reason =
      yamlError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?.*$/, '') ?? 'syntax error';
    throw new InvalidInputError('yaml', reason, 'valid YAML', { location: `${fileName}:${line}` });
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
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
    if (error instanceof InvalidInputError) throw error.under('', locationOf(source, parsePath(error.field)));
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
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES')
      throw new InvalidInputError('file', path, 'a readable stack file', {
        hint: 'create one with: eks-kit init',
      });
    throw new EksKitError('ReadFailed', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseStack(text, path === '-' ? '<stdin>' : path, options);
}

/** `cluster.region` from the default when the file leaves it out (the file's own always wins). */
function fillDefaultRegion(data: unknown, defaultRegion: string | undefined): void {
  if (defaultRegion === undefined || typeof data !== 'object' || data === null) return;
  const cluster = (data as Record<string, unknown>).cluster;
  if (typeof cluster !== 'object' || cluster === null || Array.isArray(cluster)) return;
  const fields = cluster as Record<string, unknown>;
  if (fields.region === undefined || fields.region === null) fields.region = defaultRegion;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
