/** Which region a command uses: the stack, then --region, then AWS_REGION, as the global help says. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  cliEnv,
  oneLine,
  runCli,
  SEED_STACK,
  SEED_TEXT,
  tempDir,
  useSeedEmulator,
  writeIn,
} from './helpers.js';

let emu: Emulator;
useSeedEmulator((e) => {
  emu = e;
});

describe('region: the stack, then --region, then AWS_REGION (as the global help says)', () => {
  const dir = tempDir();
  const noRegion = writeIn(dir, 'no-region.yaml', SEED_TEXT.replace(/^ {2}region: .*\n/m, ''));

  it('a stack without cluster.region takes AWS_REGION', async () => {
    const run = await runCli(['ecr', 'login', '-f', noRegion, '--endpoint-url', emu.url], {
      env: cliEnv({ AWS_REGION: 'ap-northeast-1' }),
    });
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('123456789012.dkr.ecr.ap-northeast-1.amazonaws.com');
  });

  it('--region wins over AWS_REGION for a stack without cluster.region', async () => {
    const run = await runCli(
      ['ecr', 'login', '-f', noRegion, '--region', 'ap-northeast-1', '--endpoint-url', emu.url],
      {
        env: cliEnv({ AWS_REGION: 'eu-west-1' }),
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('.dkr.ecr.ap-northeast-1.amazonaws.com');
  });

  it("the stack's cluster.region wins over AWS_REGION; a different --region is refused (exit 64)", async () => {
    const own = await runCli(['ecr', 'login', '-f', SEED_STACK, '--endpoint-url', emu.url], {
      env: cliEnv({ AWS_REGION: 'eu-west-1' }),
    });
    expect(own.stdout).toContain('.dkr.ecr.ap-northeast-1.amazonaws.com');
    const other = await runCli([
      'ecr',
      'login',
      '-f',
      SEED_STACK,
      '--region',
      'eu-west-1',
      '--endpoint-url',
      emu.url,
    ]);
    expect(other.code).toBe(EXIT_CODES.invalidInput);
    oneLine(other.stderr);
  });

  it('no region anywhere: exit 64, one line naming cluster.region, --region and AWS_REGION, no AWS call', async () => {
    emu.resetCalls();
    const run = await runCli(['ecr', 'login', '-f', noRegion, '--endpoint-url', emu.url]);
    expect(run.code).toBe(EXIT_CODES.invalidInput);
    oneLine(run.stderr);
    expect(run.stderr).toMatch(/no-region\.yaml:\d+: cluster\.region/);
    expect(run.stderr).toContain('--region');
    expect(run.stderr).toContain('AWS_REGION');
    expect(emu.calls()).toEqual([]);
  });

  it('init writes AWS_REGION (else --region) into cluster.region', async () => {
    const file = join(tempDir(), 'eks-kit.yaml');
    const run = await runCli(['init', '-f', file], { env: cliEnv({ AWS_REGION: 'ap-southeast-2' }) });
    expect(run.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^ {2}region: ap-southeast-2$/m);
    const flag = join(tempDir(), 'eks-kit.yaml');
    await runCli(['init', '-f', flag, '--region', 'ca-central-1'], {
      env: cliEnv({ AWS_REGION: 'ap-southeast-2' }),
    });
    expect(readFileSync(flag, 'utf8')).toMatch(/^ {2}region: ca-central-1$/m);
  });
});
