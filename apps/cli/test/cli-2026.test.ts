import type { Emulator } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SEED_STACK, seedWorld, startWorldEmulator } from './helpers.js';

// Issue 17: an unknown subcommand followed by a flag said "unknown option" instead of naming the
// command. (The invalid-input exit code is being changed elsewhere: asserted as "not 0".)
describe('a misspelt subcommand with options after it', () => {
  it('names the subcommand and suggests the nearest one, not the option', async () => {
    const run = await runCli(['ecr', 'logn', '--registry', 'registry.example.com']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('ecr subcommand');
    expect(run.stderr).toContain('did you mean eks-kit ecr login?');
    expect(run.stderr).not.toMatch(/unknown option/i);
  });

  it('a group with only an option still says a subcommand is expected', async () => {
    const run = await runCli(['cert', '--domain', 'a.example.com']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('expected a subcommand: request | status | records | wait');
    expect(run.stderr).not.toMatch(/unknown option/i);
  });
});

describe('against the emulator (issue 17)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    const world = seedWorld();
    const groups = (world.autoscaling as { groups: Array<Record<string, unknown>> }).groups;
    // seed-workers-b uses attribute-based instance selection: 4 vCPU, 16 GiB or more.
    world.autoscaling = {
      ...world.autoscaling,
      groups: groups.map((g) =>
        g.name === 'seed-workers-b'
          ? {
              ...g,
              launchTemplate: undefined,
              mixedInstancesPolicy: {
                launchTemplate: { name: 'seed-workers-b' },
                overrides: [
                  { instanceRequirements: { VCpuCount: { Min: 4, Max: 4 }, MemoryMiB: { Min: 16384 } } },
                ],
              },
            }
          : g,
      ),
    };
    emu = await startWorldEmulator(world);
  });
  afterAll(() => emu.stop());

  it('autoscaler fit resolves the InstanceRequirements group, not its launch template type', async () => {
    const run = await runCli([
      'autoscaler',
      'fit',
      '-f',
      SEED_STACK,
      '--endpoint-url',
      emu.url,
      '--cpu',
      '3',
    ]);
    expect(run.stdout).toMatch(/fits\s+m5\.xlarge/);
    expect(run.stdout).toMatch(/fits\s+r6i\.xlarge/);
    expect(run.stdout).not.toMatch(/m5\.large/); // the launch template's type is not the answer
  });

  it('ecr login says when the token expires in the user`s terms', async () => {
    const run = await runCli(['ecr', 'login', '-f', SEED_STACK, '--endpoint-url', emu.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /token expires in \d+ h( \d+ min)?, at \d{4}-\d\d-\d\d \d\d:\d\d \S+ \(\d{4}-\d\d-\d\dT/,
    );
  });
});
