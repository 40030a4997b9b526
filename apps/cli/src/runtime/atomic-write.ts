/** Atomic file writes: write a temporary file beside the target, then rename it over. */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Write `content` to `path` atomically (readers see the old or the new file, never a half), creating
 * parent folders.
 *
 * @example
 * ```ts
 * await writeFileAtomic('deploy/helmfile.yaml', text);
 * await writeFileAtomic('deploy/docker/config.json', json, 0o600);
 * ```
 */
export async function writeFileAtomic(path: string, content: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { mode, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
