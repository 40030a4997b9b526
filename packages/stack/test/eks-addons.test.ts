/** EKS add-ons eks-kit reads: metrics-server as an add-on, the Pod Identity agent. */
import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStack, parseStack, renderStack } from '../src/index.js';
import { startStackEmulator, stopStackEmulator } from './support/emulator.js';

describe('EKS add-ons: metrics-server and the Pod Identity agent (emulator)', () => {
  const root = new URL('../../../examples/seed/', import.meta.url);
  const seedStack = parseStack(readFileSync(new URL('eks-kit.yaml', root), 'utf8'));
  const seedWorld = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
  const withAddons = (addons: Array<{ name: string }>): World => {
    const eks = seedWorld.eks as NonNullable<World['eks']>;
    return { ...seedWorld, eks: { ...eks, clusters: (eks.clusters ?? []).map((c) => ({ ...c, addons })) } };
  };
  const podIdentityStack = {
    ...seedStack,
    autoscaler: {
      ...seedStack.autoscaler!,
      identity: { ...seedStack.autoscaler!.identity, mode: 'pod-identity' as const },
    },
  };
  let emu: Emulator;
  let clients: AwsClients;
  beforeAll(async () => {
    ({ emu, clients } = await startStackEmulator(withAddons([])));
  });
  afterAll(() => stopStackEmulator(emu, clients));
  const addonFindings = async (stack: typeof seedStack) =>
    (await checkStack(clients, stack)).filter((f) => f.check.startsWith('addons.'));

  it('pod-identity without the eks-pod-identity-agent add-on is a failing finding with the fix', async () => {
    emu.seed(withAddons([]));
    const agent = (await addonFindings(podIdentityStack)).find(
      (f) => f.check === 'addons.pod-identity-agent',
    );
    expect(agent).toMatchObject({ status: 'fail' });
    expect(agent?.hint).toContain(
      'aws eks create-addon --cluster-name seed --addon-name eks-pod-identity-agent',
    );
    emu.seed(withAddons([{ name: 'eks-pod-identity-agent' }]));
    const ok = (await addonFindings(podIdentityStack)).find((f) => f.check === 'addons.pod-identity-agent');
    expect(ok?.status).toBe('ok');
  });

  it('metrics-server as an EKS add-on: check says so, render leaves eks-kit`s copy out', async () => {
    emu.seed(withAddons([{ name: 'metrics-server' }]));
    const ms = (await addonFindings(seedStack)).find((f) => f.check === 'addons.metrics-server');
    expect(ms?.status).toBe('warn');
    expect(ms?.message).toContain('installed as an EKS add-on');
    const rendered = renderStack(seedStack, {
      accountId: '123456789012',
      installedAddons: ['metrics-server'],
    });
    expect(rendered.map((f) => f.path)).not.toContain('values/metrics-server.yaml');
    expect(rendered.find((f) => f.path === 'helmfile.yaml')?.content).not.toContain('metrics-server');
    const plain = renderStack(seedStack, { accountId: '123456789012' });
    expect(plain.map((f) => f.path)).toContain('values/metrics-server.yaml');
    emu.seed(withAddons([]));
    expect((await addonFindings(seedStack)).find((f) => f.check === 'addons.metrics-server')?.status).toBe(
      'ok',
    );
  });
});
