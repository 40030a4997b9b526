/** The stack's tags on the IAM roles it creates. */
import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import type { AwsClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, parseStack, planStack } from '../src/index.js';
import { stackClients } from './support/emulator.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const stackText = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;

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
