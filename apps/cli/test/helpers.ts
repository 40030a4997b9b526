/** Helpers of the CLI's end-to-end tests: the BUILT CLI as a child process against the emulator. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '../../..');
export const CLI = join(ROOT, 'apps/cli/dist/eks-kit.js');
export const SEED_STACK = join(ROOT, 'examples/seed/eks-kit.yaml');
export const SEED_LOG = join(ROOT, 'examples/seed/cluster-autoscaler.log');

if (!existsSync(CLI))
  throw new Error(`build the CLI first (pnpm --filter @eks-kit/cli build): ${CLI} is missing`);

/** The seed world of the demo. */
export function seedWorld(): World {
  return JSON.parse(readFileSync(join(ROOT, 'examples/seed/world.json'), 'utf8')) as World;
}

/** An emulator with `world` (the emulator's test set-up: 127.0.0.1, fast emulated time). */
export async function startWorldEmulator(world: World, speed = 1000): Promise<Emulator> {
  return (await startTestEmulator({ seed: world, speed })).emulator;
}

/** An emulator with the seed world; fast emulated time (delays of seconds become milliseconds). */
export function startSeedEmulator(speed = 1000): Promise<Emulator> {
  return startWorldEmulator(seedWorld(), speed);
}

/**
 * The seed world's emulator for the calling test file: started before its tests, stopped after them,
 * and reset to the seed world before each one with `resetEach`. `use` receives it once started.
 *
 * @example
 * ```ts
 * let emu: Emulator;
 * useSeedEmulator((e) => {
 *   emu = e;
 * });
 * ```
 */
export function useSeedEmulator(use: (emu: Emulator) => void, options: { resetEach?: boolean } = {}): void {
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startSeedEmulator();
    use(emu);
  });
  afterAll(async () => {
    await emu?.stop();
  });
  if (options.resetEach) beforeEach(() => emu?.reset());
}

/**
 * The seed emulator of a test file, reset before each test: `emu()` while the tests run, and
 * `withEndpoint(...args)`, a command's arguments pointed at it.
 *
 * @example
 * ```ts
 * const seed = useResetSeedEmulator();
 * await runCli(seed.withEndpoint('plan', '-f', SEED_STACK));
 * ```
 */
export function useResetSeedEmulator(): {
  emu: () => Emulator;
  withEndpoint: (...args: string[]) => string[];
} {
  let emu: Emulator | undefined;
  useSeedEmulator(
    (e) => {
      emu = e;
    },
    { resetEach: true },
  );
  const started = (): Emulator => emu as Emulator;
  return { emu: started, withEndpoint: (...args) => [...args, '--endpoint-url', started().url] };
}

/** The seed stack file's text (examples/seed/eks-kit.yaml). */
export const SEED_TEXT = readFileSync(SEED_STACK, 'utf8');

/**
 * The seed stack file with one text replaced; throws when the replacement does not apply (a case that
 * would silently test the unchanged seed).
 *
 * @example
 * ```ts
 * const text = seedWith('context: .', "context: '$(id)'");
 * ```
 */
export function seedWith(from: string | RegExp, to: string): string {
  const out = SEED_TEXT.replace(from, to);
  if (out === SEED_TEXT) throw new Error(`replacement of ${String(from)} did not apply`);
  return out;
}

/** Asserts that `text` is one line (an error of the CLI is one line). */
export const oneLine = (text: string): void => expect(text.trim().split('\n')).toHaveLength(1);

/** What a CLI run gave. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment of every run: dummy credentials, no profile, region or endpoint from the machine. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('AWS_') || k === 'NO_COLOR' || k === 'FORCE_COLOR') continue;
    env[k] = v;
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
    AWS_CONFIG_FILE: join(tmpdir(), 'eks-kit-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'eks-kit-no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CI: 'true',
    ...extra,
  };
}

/** Options of {@link runCli} and {@link runProgram}. */
export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  onStderr?: (text: string, kill: () => void) => void;
  /** Polled every few milliseconds while the child runs; SIGKILL when it returns true. */
  killWhen?: () => boolean;
}

/**
 * Run the built CLI (asynchronously: the emulator answers from this process). `onStderr` sees
 * stderr as it arrives and may kill the child.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  return runProgram(process.execPath, [CLI, ...args], options);
}

/** Run any program as {@link runCli} runs the CLI (e.g. `sh -c` for a README line as written). */
export function runProgram(command: string, args: string[], options: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? cliEnv(),
      cwd: options.cwd ?? ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, () => child.kill('SIGKILL'));
    });
    const timer = options.killWhen
      ? setInterval(() => {
          if (options.killWhen?.()) child.kill('SIGKILL');
        }, 2)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'eks-kit-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write a file in a folder and return its path. */
export function writeIn(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Certificates in the emulator's ACM state for a domain name. */
export function certificatesFor(emu: Emulator, domainName: string): unknown[] {
  const acm = emu.state.acm as { certificates: Map<string, { domainName?: string; DomainName?: string }> };
  return [...acm.certificates.values()].filter((c) => (c.domainName ?? c.DomainName) === domainName);
}
