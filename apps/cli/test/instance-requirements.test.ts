/** `eks-kit autoscaler fit` on a group whose instance types come from InstanceRequirements. */
import type { Emulator } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SEED_STACK, seedWorld, startWorldEmulator } from './helpers.js';

describe('autoscaler fit on a group with attribute-based instance selection (InstanceRequirements)', () => {
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
});
