/** The stack's tags on the IAM roles it creates. */
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { applyStack, parseStack, planStack } from '../src/index.js';
import { seedExample, useStackEmulator } from './support/emulator.js';

const { stackText, world } = seedExample();

let emu: Emulator;
let clients: AwsClients;
useStackEmulator(world, 'seed', (e, c) => {
  emu = e;
  clients = c;
});

describe('stack tags on the IAM roles', () => {
  it('the stack`s extra tags reach both roles (beside eks-kit:stack), and a rerun changes nothing', async () => {
    const tagged = parseStack(`${stackText}\ntags:\n  team: platform\n`);
    await applyStack(clients, tagged, { yes: true, wait: false });
    const iam = emu.state.iam as { roles: Map<string, { tags: Array<{ Key: string; Value: string }> }> };
    for (const name of ['seed-cluster-autoscaler', 'seed-gitlab-runner-build']) {
      const tags = Object.fromEntries((iam.roles.get(name)?.tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tags, name).toEqual({ team: 'platform', 'eks-kit:stack': 'seed' });
    }
    emu.resetCalls();
    expect((await planStack(clients, tagged)).changes).toEqual([]);
  });
});
