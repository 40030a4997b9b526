/** Why a path cannot be read, in the user's words: one list for every file eks-kit reads. */

const PATH_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'a loop of symbolic links',
  ENAMETOOLONG: 'a path too long for the system',
  ENOTDIR: 'a path through something that is not a folder',
  ENXIO: 'a device or socket that cannot be read',
  EINVAL: 'not a valid path',
};

/**
 * What is wrong with a path, from the errno code of the error opening it (`undefined` for an error a
 * path does not cause, e.g. EIO: report that one as it is).
 *
 * @example
 * ```ts
 * pathProblem(Object.assign(new Error(), { code: 'ENOENT' })); // 'no such file'
 * pathProblem(new Error('disk on fire')); // undefined
 * ```
 */
export function pathProblem(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && Object.hasOwn(PATH_PROBLEMS, code) ? PATH_PROBLEMS[code] : undefined;
}
