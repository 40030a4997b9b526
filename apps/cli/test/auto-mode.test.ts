import type { Emulator, World } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SEED_STACK, seedWorld, startWorldEmulator, tempDir } from './helpers.js';

// The seed stack (with an autoscaler) against its cluster in EKS Auto Mode.
let emu: Emulator;
beforeAll(async () => {
  const world = seedWorld();
  const seed: World = {
    ...world,
    eks: { ...world.eks, clusters: (world.eks?.clusters ?? []).map((c) => ({ ...c, autoMode: true })) },
  };
  emu = await startWorldEmulator(seed);
});
afterAll(async () => {
  await emu.stop();
});

const cli = (...args: string[]) => runCli([...args, '-f', SEED_STACK, '--endpoint-url', emu.url]);

describe('an autoscaler on an EKS Auto Mode cluster', () => {
  it('render refuses to write the Cluster Autoscaler release, and writes nothing', async () => {
    const out = tempDir();
    const render = await cli('render', '--out', out);
    expect(render.code).toBe(1);
    expect(render.stderr).toMatch(/^Error: render refused: cluster seed is in EKS Auto Mode/);
    expect(render.stderr).toMatch(/onAutoMode: install/);
    expect(render.stdout).toBe('');
  });

  it('plan shows one blocking finding instead of the autoscaler changes; apply --json reports it blocked', async () => {
    emu.resetCalls();
    const plan = await cli('plan', '--json');
    expect(plan.code).toBe(1);
    const doc = JSON.parse(plan.stdout) as {
      findings: Array<{ check: string; status: string }>;
      blocked: boolean;
    };
    expect(doc.blocked).toBe(true);
    expect(doc.findings).toEqual([
      expect.objectContaining({ check: 'autoscaler.auto-mode', status: 'fail' }),
    ]);
    expect(plan.stdout).not.toMatch(/seed-cluster-autoscaler/);
    const apply = await cli('apply', '--yes', '--no-wait', '--json');
    expect(apply.code).toBe(1);
    expect(JSON.parse(apply.stdout)).toMatchObject({ outcome: 'blocked', changed: false });
    expect(emu.calls({ mutating: true })).toEqual([]);
  });
});
