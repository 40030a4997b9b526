/** Check an output folder flag (`render --out`) before any AWS call or write. */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { InvalidInputError } from '@eks-kit/core';

/** Why a path is refused, for the errno codes a path can cause. */
const PATH_PROBLEMS: Readonly<Record<string, string>> = {
  ELOOP: 'a loop of symbolic links',
  ENAMETOOLONG: 'a path too long for the system',
  ENOTDIR: 'a path through a file',
  EACCES: 'a folder you may not read or write',
  EPERM: 'a folder you may not read or write',
  EROFS: 'on a read-only file system',
  EINVAL: 'not a valid path',
};

/** Kernel file systems: writing there is never what a user meant, and recursive mkdir can loop. */
const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

/**
 * The absolute output folder of a flag, after checking that it can be used: not empty, not an
 * existing file, not through a file, not a loop of links, not too long, writable (or its nearest
 * existing parent is), not under /proc, /sys or /dev. Every refusal names the flag.
 *
 * @example
 * ```ts
 * const outDir = await checkOutDir(options.out, '--out'); // '/home/me/deploy'
 * await checkOutDir('', '--out'); // throws InvalidInputError "--out: expected a folder path, got \"\""
 * ```
 */
export async function checkOutDir(value: unknown, field: string): Promise<string> {
  const text = typeof value === 'string' ? value : '';
  if (text.trim() === '') throw new InvalidInputError(field, text, 'a folder path');
  if (text.includes('\0')) throw new InvalidInputError(field, text, 'a folder path without NUL characters');
  const target = resolve(text);
  const refuse = (problem: string): InvalidInputError =>
    new InvalidInputError(field, text, `a folder eks-kit can write to (this is ${problem})`);
  let path = target;
  // Walk up to the nearest existing folder: at most one step per path segment.
  for (let steps = 0; steps <= target.split(sep).length; steps++) {
    let info: Awaited<ReturnType<typeof stat>> | undefined;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code !== 'ENOENT') throw refuse(PATH_PROBLEMS[code] ?? `refused by the system: ${code}`);
    }
    if (info !== undefined) {
      if (!info.isDirectory())
        throw refuse(path === target ? 'an existing file, not a folder' : 'a path through a file');
      const real = await realpath(path).catch(() => path);
      if (SYSTEM_ROOTS.some((root) => real === root || real.startsWith(`${root}/`)))
        throw refuse(`under ${SYSTEM_ROOTS.find((root) => real === root || real.startsWith(`${root}/`))}`);
      try {
        await access(path, constants.W_OK | constants.X_OK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        throw refuse(PATH_PROBLEMS[code] ?? 'a folder you may not write to');
      }
      return target;
    }
    const parent = dirname(path);
    if (parent === path) break;
    path = parent;
  }
  throw refuse('a path with no existing folder above it');
}

/**
 * Check a file path a command will write (`init -f`): not empty, not a folder, and its folder passes
 * {@link checkOutDir}. Every refusal names the flag; nothing is written.
 *
 * @example
 * ```ts
 * await checkOutFile('eks-kit.yaml', '-f'); // '/home/me/eks-kit.yaml'
 * ```
 */
export async function checkOutFile(value: unknown, field: string): Promise<string> {
  const text = typeof value === 'string' ? value : '';
  if (text.trim() === '') throw new InvalidInputError(field, text, 'a file path');
  if (text.includes('\0')) throw new InvalidInputError(field, text, 'a file path without NUL characters');
  const target = resolve(text);
  let info: Awaited<ReturnType<typeof stat>> | undefined;
  try {
    info = await stat(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code !== 'ENOENT')
      throw new InvalidInputError(
        field,
        text,
        `a file eks-kit can write (this is ${PATH_PROBLEMS[code] ?? `refused by the system: ${code}`})`,
      );
  }
  if (info?.isDirectory())
    throw new InvalidInputError(field, text, 'a file eks-kit can write (this is a folder)');
  await checkOutDir(dirname(target), field);
  return target;
}
