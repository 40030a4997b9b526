/** Running the built CLI (`apps/cli/dist/eks-kit.js`) as a child process against the emulator. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CREDENTIALS } from './emulator.js';

/** Preload that refuses (and logs) any fetch beyond 127.0.0.1. */
export const NETWORK_GUARD = fileURLToPath(new URL('./network-guard.mjs', import.meta.url));

/** The bundled CLI. */
export const CLI_PATH = fileURLToPath(new URL('../../../../apps/cli/dist/eks-kit.js', import.meta.url));

/** What one CLI run printed and how it ended. */
export interface CliRun {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

/** A private folder: HOME for the CLI (no real ~/.aws or ~/.docker is read) and stack files. */
export function makeWorkDir(): string {
  return mkdtempSync(join(tmpdir(), 'eks-kit-reliability-'));
}

/** Write a stack file into `dir` and return its path. */
export function writeStack(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/**
 * Run `eks-kit <args>` with test credentials in the environment (never on the command line), no
 * profile, HOME in `home`, stdin closed (not a terminal).
 *
 * @example
 * ```ts
 * const run = await runCli(['plan', '-f', stackPath, '--endpoint-url', emu.url], home);
 * expect(run.code).toBe(0);
 * ```
 */
export function runCli(args: string[], home: string, extraEnv: Record<string, string> = {}): Promise<CliRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    DOCKER_CONFIG: join(home, '.docker'),
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    NO_COLOR: '1',
    NODE_OPTIONS: `--import=${pathToFileURL(NETWORK_GUARD).href}`,
    RELIABILITY_NETWORK_LOG: join(home, 'network-attempts.log'),
    ...extraEnv,
  };
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI_PATH, ...args],
      { env, cwd: home, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ args, code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    child.stdin?.end();
  });
}
