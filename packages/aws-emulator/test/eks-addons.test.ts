import { DescribeAddonCommand, EKSClient, ListAddonsCommand } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

// Issue 17: EKS ships metrics-server and the Pod Identity agent as add-ons; eks-kit reads them.
describe('EKS emulator: add-ons (DescribeAddon, ListAddons)', () => {
  let emu: Emulator;
  let eks: EKSClient;
  beforeAll(async () => {
    emu = await startTestEmulator({
      seed: {
        eks: {
          clusters: [
            { name: 'prod', addons: [{ name: 'metrics-server', version: 'v0.8.0-eksbuild.1' }] },
            { name: 'bare' },
          ],
        },
      },
    });
    eks = new EKSClient(clientConfig(emu));
  });
  afterAll(() => emu.stop());

  it('describes an installed add-on', async () => {
    const out = await eks.send(
      new DescribeAddonCommand({ clusterName: 'prod', addonName: 'metrics-server' }),
    );
    expect(out.addon).toMatchObject({
      addonName: 'metrics-server',
      clusterName: 'prod',
      status: 'ACTIVE',
      addonVersion: 'v0.8.0-eksbuild.1',
    });
    expect(out.addon?.createdAt).toBeInstanceOf(Date);
  });

  it('answers ResourceNotFoundException (404) for an add-on that is not installed, and for a missing cluster', async () => {
    const missing = await failure(
      eks.send(new DescribeAddonCommand({ clusterName: 'bare', addonName: 'eks-pod-identity-agent' })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.$metadata.httpStatusCode).toBe(404);
    expect(missing.message).toBe('No addon: eks-pod-identity-agent found in cluster: bare');
    const noCluster = await failure(
      eks.send(new DescribeAddonCommand({ clusterName: 'nope', addonName: 'x' })),
    );
    expect(noCluster.name).toBe('ResourceNotFoundException');
  });

  it('lists the add-ons of a cluster', async () => {
    expect((await eks.send(new ListAddonsCommand({ clusterName: 'prod' }))).addons).toEqual([
      'metrics-server',
    ]);
    expect((await eks.send(new ListAddonsCommand({ clusterName: 'bare' }))).addons).toEqual([]);
  });
});
