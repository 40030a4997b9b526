/** Read a file argument, `-` meaning standard input, as a stream. */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { EksKitError, InvalidInputError, pathProblem } from '@eks-kit/core';

/**
 * A readable stream of a file, or of standard input for `-`. A path that cannot be read (missing, a
 * folder, a loop of links, too long, through a file, not permitted) is invalid input naming `field`,
 * found by opening the file before anything else runs.
 *
 * @example
 * ```ts
 * const stream = await openInput(args[0], '<file>');
 * ```
 */
export async function openInput(path: string | undefined, field = 'file'): Promise<Readable> {
  if (path === undefined || path === '')
    throw new InvalidInputError(field, path, 'a file path, or - for standard input');
  if (path === '-') return process.stdin;
  if (path.includes('\0')) throw new InvalidInputError(field, path, 'a file path without NUL characters');
  try {
    const handle = await open(path, 'r');
    const info = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    if (info.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return handle.createReadStream();
  } catch (error) {
    const problem = pathProblem(error);
    if (problem)
      throw new InvalidInputError(
        field,
        path,
        `a readable file, or - for standard input (this is ${problem})`,
      );
    throw new EksKitError('ReadFailed', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
