import { DescribeRepositoriesCommand, PutRegistryScanningConfigurationCommand } from '@aws-sdk/client-ecr';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureRepository,
  ensureRunnerRole,
  readRegistryScanning,
  scanFilterMatches,
  scanningDecision,
} from '../src/index.js';

// Issue 17: repository-level scanOnPush is deprecated in favour of the registry's scanning
// configuration; where the registry's rules decide, eks-kit does not fight them.
describe('scanFilterMatches / scanningDecision (ECR user guide, filters)', () => {
  it('matches as the ECR user guide table says', () => {
    const names = ['prod', 'repo-prod', 'prod-repo', 'repo-prod-repo', 'prodrepo'];
    const row = (filter: string) => names.map((n) => scanFilterMatches(filter, n));
    expect(row('prod')).toEqual([true, true, true, true, true]);
    expect(row('*prod')).toEqual([true, true, false, false, false]);
    expect(row('prod*')).toEqual([true, false, true, false, true]);
    expect(row('*prod*')).toEqual([true, true, true, true, true]);
    expect(row('prod*repo')).toEqual([false, false, true, false, true]);
  });

  it('BASIC with no rules leaves it to the repository; any rule makes the registry decide', () => {
    expect(scanningDecision('app', { scanType: 'BASIC', rules: [] }).decidedBy).toBe('repository');
    expect(scanningDecision('app', undefined).decidedBy).toBe('repository');
    const basic = {
      scanType: 'BASIC',
      rules: [
        { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'team/*', filterType: 'WILDCARD' }] },
      ],
    };
    expect(scanningDecision('team/app', basic)).toMatchObject({
      decidedBy: 'registry',
      frequency: 'SCAN_ON_PUSH',
    });
    expect(scanningDecision('other', basic)).toMatchObject({ decidedBy: 'registry', frequency: 'MANUAL' });
  });

  it('ENHANCED: CONTINUOUS_SCAN wins over SCAN_ON_PUSH; no match is not scanned', () => {
    const enhanced = {
      scanType: 'ENHANCED',
      rules: [
        { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] },
        { scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: 'prod', filterType: 'WILDCARD' }] },
      ],
    };
    expect(scanningDecision('prod/app', enhanced).frequency).toBe('CONTINUOUS_SCAN');
    expect(scanningDecision('dev/app', enhanced).frequency).toBe('SCAN_ON_PUSH');
    expect(scanningDecision('x', { scanType: 'ENHANCED', rules: [] }).frequency).toBe('NONE');
  });
});

describe('ensureRepository with the registry scanning configuration (emulator)', () => {
  let emu: Emulator;
  let clients: AwsClients;
  beforeAll(async () => {
    const env = await startTestEmulator({
      seed: { ecr: { repositories: [{ name: 'team/app', region: 'ap-northeast-1', scanOnPush: false }] } },
      maxAttempts: 1,
    });
    emu = env.emulator;
    clients = await createClients(env.clientConfig());
  });
  beforeEach(() => emu.reset());
  afterAll(async () => {
    clients.destroy();
    await emu.stop();
  });

  it('without registry rules it converges scanOnPush as before', async () => {
    const scanning = await readRegistryScanning(clients);
    expect(scanning).toEqual({ scanType: 'BASIC', rules: [] });
    const result = await ensureRepository(clients, {
      name: 'team/app',
      scanOnPush: true,
      registryScanning: scanning,
    });
    expect(result.changes.map((c) => c.summary)).toEqual(['scan on push: false -> true']);
  });

  it('where the registry rules decide, it neither plans nor calls PutImageScanningConfiguration', async () => {
    const ecr = await clients.ecr();
    await ecr.send(
      new PutRegistryScanningConfigurationCommand({
        scanType: 'BASIC',
        rules: [
          {
            scanFrequency: 'SCAN_ON_PUSH',
            repositoryFilters: [{ filter: 'team/*', filterType: 'WILDCARD' }],
          },
        ],
      }),
    );
    const scanning = await readRegistryScanning(clients);
    const result = await ensureRepository(clients, {
      name: 'team/app',
      scanOnPush: true,
      registryScanning: scanning,
    });
    expect(result.changes).toEqual([]);
    expect(emu.calls({ operation: 'PutImageScanningConfiguration' })).toEqual([]);
    // A new repository is created without the deprecated repository-level setting.
    await ensureRepository(clients, { name: 'team/new', scanOnPush: true, registryScanning: scanning });
    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/new'] }));
    expect(described.repositories?.[0]?.imageScanningConfiguration?.scanOnPush).toBe(false);
  });
});

describe('ensureRunnerRole: a cluster that does not exist (one wording everywhere)', () => {
  let emu: Emulator;
  let clients: AwsClients;
  beforeAll(async () => {
    const env = await startTestEmulator({ seed: { eks: { clusters: [] } }, maxAttempts: 1 });
    emu = env.emulator;
    clients = await createClients(env.clientConfig());
  });
  afterAll(async () => {
    clients.destroy();
    await emu.stop();
  });

  it('says "EKS cluster X does not exist in R" (ClusterNotFound), as the autoscaler steps do, not the raw SDK error', async () => {
    const error = await ensureRunnerRole(clients, {
      cluster: 'nope',
      namespace: 'gitlab-runner',
      serviceAccount: 'build',
      repositories: ['team/app'],
      roleName: 'gitlab-runner-ecr-push',
      stack: 'prod',
    }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(error?.code).toBe('ClusterNotFound');
    expect(error?.message).toBe('EKS cluster nope does not exist in ap-northeast-1');
  });
});
