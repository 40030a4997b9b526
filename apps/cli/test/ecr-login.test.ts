/** `eks-kit ecr login` against the emulator: refused flag combinations, and when the token expires. */
import type { Emulator } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { oneLine, runCli, SEED_STACK, useSeedEmulator } from './helpers.js';

let emu: Emulator;
useSeedEmulator((e) => {
  emu = e;
});

describe('ecr login', () => {
  it('--password-stdout with --json is refused: exit 64, one line, no AWS call', async () => {
    emu.resetCalls();
    const run = await runCli([
      'ecr',
      'login',
      '--password-stdout',
      '--json',
      '-f',
      SEED_STACK,
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).toBe(EXIT_CODES.invalidInput);
    expect(run.stdout).toBe('');
    oneLine(run.stderr);
    expect(run.stderr).toContain('--password-stdout');
    expect(run.stderr).toContain('--json');
    expect(emu.calls()).toEqual([]);
  });

  it('ecr login says when the token expires in the user`s terms', async () => {
    const run = await runCli(['ecr', 'login', '-f', SEED_STACK, '--endpoint-url', emu.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /token expires in \d+ h( \d+ min)?, at \d{4}-\d\d-\d\d \d\d:\d\d \S+ \(\d{4}-\d\d-\d\dT/,
    );
  });
});
