/**
 * Reading and writing a docker `config.json` on disk: atomic replace (temp file in the same directory,
 * then rename), mode 0600 (it may hold credentials), warnings about entries that defeat the helper.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EksKitError } from '@eks-kit/core';
import {
  type DockerConfig,
  type DockerConfigWarning,
  dockerConfigWarnings,
} from '../builders/docker-config.js';

/** Result of {@link writeDockerConfig}. */
export interface WriteDockerConfigResult {
  path: string;
  /** Entries that would shadow the credential helper or never match (keys only, never credentials). */
  warnings: DockerConfigWarning[];
}

/**
 * Read a docker config; a missing file reads as `{}`. A file that is not a JSON object is refused
 * (without echoing its content, which may hold credentials).
 *
 * @example
 * ```ts
 * const existing = await readDockerConfig(`${process.env.HOME}/.docker/config.json`);
 * ```
 */
export async function readDockerConfig(path: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EksKitError('InvalidDockerConfig', `${path} is not valid JSON`, {
      hint: 'fix or move the file; eks-kit does not overwrite a config it cannot read',
    });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new EksKitError('InvalidDockerConfig', `${path} does not hold a JSON object`);
  return parsed as DockerConfig;
}

/**
 * Write a docker config atomically with mode 0600: the JSON goes to a temp file in the same
 * directory (created 0600, flushed), which then replaces `path` by rename, so a reader sees the old
 * file or the new one, never half of one. The directory is created (0700) if missing. Returns
 * warnings about entries that would shadow the credential helper (a stale `auths` entry for a helper
 * host, an `https://` key).
 *
 * @example
 * ```ts
 * const path = '/kaniko/.docker/config.json';
 * const config = mergeDockerConfig(await readDockerConfig(path), dockerConfig({ credHelpers: [host] }));
 * const { warnings } = await writeDockerConfig(path, config);
 * for (const w of warnings) console.warn(w.message);
 * ```
 */
export async function writeDockerConfig(
  path: string,
  config: DockerConfig,
): Promise<WriteDockerConfigResult> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(`${JSON.stringify(config, null, 2)}\n`, 'utf8');
      await handle.chmod(0o600); // the umask can only narrow 0600, but make the mode explicit
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await chmod(path, 0o600);
  return { path, warnings: dockerConfigWarnings(config) };
}
