/** A plan whose IRSA role cannot work (no IAM OIDC provider): a fail finding, blocked changes, no mutation. */
import type { Emulator, World } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parseStack, planStack } from '../src/index.js';
import { seedExample, useStackEmulator } from './support/emulator.js';

const { stackText, world } = seedExample();
const stack = parseStack(stackText);
const withoutOidcProvider: World = { ...world, iam: { ...world.iam, oidcProviders: [] } };

let emu: Emulator;
let clients: AwsClients;
useStackEmulator(world, 'seed', (e, c) => {
  emu = e;
  clients = c;
});

describe('blocked changes in the plan (IRSA without the cluster`s IAM OIDC provider)', () => {
  it('planStack carries the role step`s fail finding and marks the blocked changes; nothing mutates', async () => {
    emu.seed(withoutOidcProvider);
    const plan = await planStack(clients, stack);
    expect(plan.findings).toMatchObject([
      { check: 'autoscaler.oidc-provider', status: 'fail' },
      { check: 'runner-role.oidc-provider', status: 'fail' },
    ]);
    expect(plan.findings[0]?.hint).toMatch(/OIDC provider/);
    const roleChanges = plan.changes.filter((c) => c.resource === 'iam role seed-cluster-autoscaler');
    expect(roleChanges.length).toBeGreaterThan(0);
    for (const c of roleChanges) expect(c.summary).toMatch(/blocked/);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a plan of a world with the provider has no findings', async () => {
    expect((await planStack(clients, stack)).findings).toEqual([]);
  });
});
