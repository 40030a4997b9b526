/** Read a file argument, `-` meaning standard input, as a stream. */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InvalidInputError } from '@eks-kit/core';

/**
 * A readable stream of a file, or of standard input for `-`; a missing file is invalid input.
 *
 * @example
 * ```ts
 * const stream = await openInput(args[0]);
 * ```
 */
export async function openInput(path: string | undefined, field = 'file'): Promise<Readable> {
  if (path === undefined || path === '')
    throw new InvalidInputError(field, path, 'a file path, or - for standard input');
  if (path === '-') return process.stdin;
  try {
    await access(path);
  } catch {
    throw new InvalidInputError(field, path, 'a readable file, or - for standard input');
  }
  return createReadStream(path);
}
