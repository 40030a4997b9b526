/** Credentials: with none, or a profile that does not exist, one line naming what was tried (exit 1). */

import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { describe, expect, it } from 'vitest';
import { cliEnv, oneLine, runCli, SEED_STACK, tempDir, useSeedEmulator, writeIn } from './helpers.js';

let emu: Emulator;
useSeedEmulator((e) => {
  emu = e;
});

describe('credentials', () => {
  it('none anywhere: exit 1, one line naming what was tried and how to fix it', async () => {
    const env = cliEnv();
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const run = await runCli(['ecr', 'login', '-f', SEED_STACK, '--endpoint-url', emu.url], { env });
    expect(run.code).toBe(1);
    oneLine(run.stderr);
    expect(run.stderr).toContain('no AWS credentials');
    expect(run.stderr).toMatch(/AWS_ACCESS_KEY_ID.*--profile.*aws configure \/ aws sso login/);
    expect(run.stderr.match(/hint:/g)).toHaveLength(1);
    expect(run.stderr).not.toContain('CredentialsProviderError');
  });

  it('check with none: exit 1 and the one line, not a table of "check could not run" failures with exit 2 (found trying eks-kit as a new user)', async () => {
    const env = cliEnv();
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    for (const args of [['check'], ['check', '--checker']]) {
      const run = await runCli([...args, '-f', SEED_STACK, '--endpoint-url', emu.url], { env });
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      oneLine(run.stderr);
      expect(run.stderr).toMatch(/^Error: no AWS credentials: tried /);
    }
  });

  it('a profile with credential_process: one run of the process for the whole check (the early credentials check and every client share one answer; review of issue 21)', async () => {
    const dir = tempDir();
    const counter = join(dir, 'runs.log');
    const script = writeIn(
      dir,
      'creds.sh',
      `#!/bin/sh\necho run >> '${counter}'\necho '{"Version":1,"AccessKeyId":"AKIDPROCESS","SecretAccessKey":"process-secret"}'\n`,
    );
    chmodSync(script, 0o755);
    const config = writeIn(
      dir,
      'config',
      `[profile counted]\ncredential_process = ${script}\nregion = ap-northeast-1\n`,
    );
    const env = cliEnv();
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    env.AWS_CONFIG_FILE = config;
    env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'none');
    const run = await runCli(['check', '--profile', 'counted', '-f', SEED_STACK, '--endpoint-url', emu.url], {
      env,
    });
    expect(run.stderr).not.toContain('no AWS credentials');
    expect(emu.calls({}).length).toBeGreaterThan(5);
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toEqual(['run']);
  });

  it('--profile nosuch: exit 1, one line naming the profile, no SDK "Multiple credential sources" warning', async () => {
    const run = await runCli([
      'ecr',
      'login',
      '--profile',
      'nosuch',
      '-f',
      SEED_STACK,
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).toBe(1);
    oneLine(run.stderr);
    expect(run.stderr).toContain('profile nosuch');
    expect(run.stderr).not.toMatch(/Multiple credential sources/);
  });
});
