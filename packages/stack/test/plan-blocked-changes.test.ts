/** A plan whose IRSA role cannot work (no IAM OIDC provider): a fail finding, blocked changes, no mutation. */
import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import type { AwsClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseStack, planStack } from '../src/index.js';
import { stackClients } from './support/emulator.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const stackText = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
const stack = parseStack(stackText);
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
const withoutOidcProvider: World = { ...world, iam: { ...world.iam, oidcProviders: [] } };

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  emu = (await startTestEmulator({ seed: world })).emulator;
});
afterAll(async () => {
  clients?.destroy();
  await emu.stop();
});
beforeEach(async () => {
  emu.seed(world);
  emu.resetCalls();
  clients?.destroy();
  clients = await stackClients(emu);
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
