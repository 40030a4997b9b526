/** Shared reads within one run: the account, cluster, zones and roles are read once per run, never kept between runs. */
import { readFileSync } from 'node:fs';
import { type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, checkStack, parseStack, planStack, shareReads } from '../src/index.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const stackText = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
const stack = parseStack(stackText);
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world });
});
afterAll(async () => {
  clients?.destroy();
  await emu.stop();
});
beforeEach(async () => {
  emu.seed(world);
  emu.resetCalls();
  clients?.destroy();
  clients = await createClients({
    region: 'ap-northeast-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 3,
  });
});

const count = (service: string, operation: string) => emu.calls({ service, operation }).length;

describe('shared reads within one run', () => {
  it('a plan reads the account and the cluster once', async () => {
    await planStack(clients, stack);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
  });

  it('an apply reads the account, the cluster and the hosted zones once', async () => {
    await applyStack(clients, stack, { yes: true });
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
    expect(count('route53', 'ListHostedZonesByName')).toBe(1);
  });

  it('a check reads each role once: the set-up check reuses what the drift check read', async () => {
    await applyStack(clients, stack, { yes: true });
    emu.resetCalls();
    await checkStack(clients, stack);
    const getRole = emu.calls({ service: 'iam', operation: 'GetRole' }).map((c) => c.input.RoleName);
    expect(getRole.sort()).toEqual(['seed-cluster-autoscaler', 'seed-gitlab-runner-build']);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
  });

  it('a new run reads again: nothing is kept between runs', async () => {
    await planStack(clients, stack);
    await planStack(clients, stack);
    expect(count('sts', 'GetCallerIdentity')).toBe(2);
  });

  it('shareReads hands each caller its own copy of a shared answer', async () => {
    const run = shareReads(clients, 'read-only');
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const sts = await run.sts();
    const first = await sts.send(new GetCallerIdentityCommand({}));
    (first as { Account?: string }).Account = 'changed';
    const second = await sts.send(new GetCallerIdentityCommand({}));
    expect(second.Account).toBe('123456789012');
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
  });
});

describe('shareReads keys', () => {
  it('the same input built in another key order is one read; another input is another read', async () => {
    const sent: unknown[] = [];
    const fakeEcr = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return { repositories: [] };
      },
    };
    const fake = { ...clients, region: 'ap-northeast-1', ecr: async () => fakeEcr } as unknown as AwsClients;
    const run = shareReads(fake, 'read-only');
    const ecr = (await run.ecr()) as unknown as { send(c: unknown): Promise<unknown> };
    const describe = (input: unknown) => ({
      schema: [9, 'com.amazonaws.ecr', 'DescribeRepositories'],
      input,
    });
    await ecr.send(describe({ repositoryNames: ['a'], maxResults: 10 }));
    await ecr.send(describe({ maxResults: 10, repositoryNames: ['a'], nextToken: undefined }));
    await ecr.send(describe({ repositoryNames: ['b'], maxResults: 10 }));
    expect(sent).toHaveLength(2);
  });
});
