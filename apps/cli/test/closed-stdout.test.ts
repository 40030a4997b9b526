/** A reader that closes stdout early: the CLI ends quietly (exit 0, no EPIPE trace) and still does its work. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { describe, expect, it } from 'vitest';
import {
  CLI,
  cliEnv,
  ROOT,
  SEED_LOG,
  SEED_STACK,
  seedWith,
  tempDir,
  useSeedEmulator,
  writeIn,
} from './helpers.js';

let emu: Emulator;
useSeedEmulator((e) => {
  emu = e;
});

/** Run `sh -c script` (a CLI run piped into `true`, which closes the pipe at once) and return its stderr. */
function stderrOfPipedIntoTrue(script: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn('sh', ['-c', script], {
      env: cliEnv(),
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve(err));
  });
}

describe('a closed stdout', () => {
  it('`autoscaler logs FILE | (reader that closes at once)` ends quietly with exit 0, no EPIPE trace', async () => {
    // `true` exits without reading: the CLI's first write meets a closed pipe (EPIPE).
    const script = `("${process.execPath}" "${CLI}" autoscaler logs "${SEED_LOG}"; echo "rc=$?" >&2) | true`;
    const stderr = await stderrOfPipedIntoTrue(script);
    expect(stderr).toContain('rc=0');
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toContain('    at ');
  });

  it('a command whose stdout closes still does all its work (render writes every file)', async () => {
    const out = tempDir();
    const script = `("${process.execPath}" "${CLI}" render -f "${SEED_STACK}" --out "${out}" --endpoint-url "${emu.url}"; echo "rc=$?" >&2) | true`;
    const stderr = await stderrOfPipedIntoTrue(script);
    expect(stderr).toContain('rc=0');
    expect(stderr).not.toContain('    at ');
    for (const file of [
      'helmfile.yaml',
      'values/cluster-autoscaler.yaml',
      '.gitlab-ci.yml',
      'docker/config.json',
    ]) {
      expect(readFileSync(join(out, file), 'utf8').length).toBeGreaterThan(0);
    }
  });

  it('invalid input with stderr piped too (`2>&1 | head -1`) keeps exit 64 (found trying eks-kit as a new user)', async () => {
    // Before: stderr had no EPIPE guard, so writing the one-line error into the closed pipe threw
    // and the command exited 1, which a script reads as "an AWS call failed", not "fix your input".
    emu.resetCalls();
    const bad = writeIn(tempDir(), 'eks-kit.yaml', seedWith('  kubernetesVersion:', '  kubernetesVerison:'));
    const script = `("${process.execPath}" "${CLI}" plan -f "${bad}" --endpoint-url "${emu.url}" 2>&1; echo "rc=$?" >&3) 3>&2 | true`;
    const stderr = await stderrOfPipedIntoTrue(script);
    expect(stderr).toContain('rc=64');
    expect(stderr).not.toContain('EPIPE');
    expect(emu.calls()).toEqual([]);
  });
});
