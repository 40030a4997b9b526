import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export { mutatingCalls as mutations } from '@eks-kit/aws-emulator/testing';

export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-1';
/**
 * A world of `count` generated worker groups (`ng-...`, launch template `workers`, m5.large): the paging
 * and memory tests' scale worlds.
 */
export function generatedGroupsWorld(count: number): World {
  return {
    region: REGION,
    ec2: { launchTemplates: [{ name: 'workers', instanceType: 'm5.large' }] },
    autoscaling: {
      generate: {
        count,
        prefix: 'ng',
        launchTemplate: { name: 'workers' },
        minSize: 1,
        maxSize: 4,
        desiredCapacity: 1,
      },
    },
  };
}

export const ISSUER = 'https://oidc.eks.ap-northeast-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';

/** The emulator's test set-up (`@eks-kit/aws-emulator/testing`) and core's clients pointing at it. */
export async function startWorld(world: World): Promise<{ emu: Emulator; clients: AwsClients }> {
  const env = await startTestEmulator({ seed: world, region: REGION });
  return { emu: env.emulator, clients: await createClients(env.clientConfig()) };
}

/**
 * One emulator for a test file: started before all tests, stopped after, re-seeded with `world`
 * and its call log cleared before each test. Read `env.emu` / `env.clients` inside tests.
 */
export function useWorld(world: World): { readonly emu: Emulator; readonly clients: AwsClients } {
  let started: { emu: Emulator; clients: AwsClients } | undefined;
  const get = () => {
    if (!started) throw new Error('useWorld: the emulator is not started (use env inside tests)');
    return started;
  };
  beforeAll(async () => {
    started = await startWorld(world);
  });
  afterAll(async () => {
    started?.clients.destroy();
    await started?.emu.stop();
  });
  beforeEach(() => {
    get().emu.seed(world);
    get().emu.resetCalls();
  });
  return {
    get emu() {
      return get().emu;
    },
    get clients() {
      return get().clients;
    },
  };
}
