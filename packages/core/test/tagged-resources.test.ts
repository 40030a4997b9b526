import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AwsClients,
  createClients,
  EksKitError,
  findTaggedResources,
  STACK_TAG_KEY,
} from '../src/index.js';

const ACCOUNT = '111111111111';
let emu: Emulator;
let clients: AwsClients;
let denied: AwsClients;
const repositories = Array.from({ length: 230 }, (_, i) => ({
  name: `svc-${String(i).padStart(3, '0')}`,
  ...(i % 2 === 0 ? { tags: { [STACK_TAG_KEY]: i % 4 === 0 ? 'prod' : 'dev' } } : {}),
}));

beforeAll(async () => {
  const env = await startTestEmulator({
    seed: {
      accountId: ACCOUNT,
      region: 'eu-west-1',
      identities: {
        AKIDNOTAG: { arn: `arn:aws:iam::${ACCOUNT}:user/no-tagging`, deny: ['tag:GetResources'] },
      },
      ecr: {
        repositories: [
          ...repositories,
          { name: 'far', region: 'us-west-2', tags: { [STACK_TAG_KEY]: 'prod' } },
        ],
      },
      acm: { certificates: [{ domainName: 'a.example.org', tags: { [STACK_TAG_KEY]: 'prod' } }] },
    },
    region: 'eu-west-1',
    maxAttempts: 2,
  });
  emu = env.emulator;
  clients = await createClients(env.clientConfig());
  denied = await createClients(env.clientConfig({ accessKeyId: 'AKIDNOTAG' }));
});
afterAll(async () => {
  clients.destroy();
  denied.destroy();
  await emu.stop();
});

const query = { resourceType: 'ecr:repository', key: STACK_TAG_KEY, value: 'prod' };

describe('findTaggedResources', () => {
  it('answers every resource of the type and region tagged key=value, through pages of 100', async () => {
    emu.resetCalls();
    const { arns } = await findTaggedResources(clients, query);
    // Every 4th of 230 repositories: 58 (one page of at most 100); not the dev ones, the untagged ones,
    // the other region's or the certificate.
    expect(arns).toHaveLength(58);
    expect(arns?.[0]).toBe(`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/svc-000`);
    expect(arns?.every((a) => Number(a.slice(-3)) % 4 === 0)).toBe(true);
    expect(emu.calls({ service: 'tagging' })).toHaveLength(1);
    emu.behaviour.taggingPageSize = 25;
    try {
      emu.resetCalls();
      expect((await findTaggedResources(clients, query)).arns).toEqual(arns);
      expect(emu.calls({ service: 'tagging' })).toHaveLength(3);
    } finally {
      delete emu.behaviour.taggingPageSize;
    }
    expect((await findTaggedResources(clients, { ...query, region: 'us-west-2' })).arns).toEqual([
      `arn:aws:ecr:us-west-2:${ACCOUNT}:repository/far`,
    ]);
  });

  it('says why when it cannot be used: refused, no client, the client package missing', async () => {
    const refused = await findTaggedResources(denied, query);
    expect(refused).toEqual({ unavailable: 'refused', message: expect.stringContaining('tag:GetResources') });
    const { tagging: _left, ...withoutTagging } = clients;
    expect(await findTaggedResources(withoutTagging as AwsClients, query)).toMatchObject({
      unavailable: 'no-client',
    });
    const missing = {
      ...clients,
      tagging: () =>
        Promise.reject(
          new EksKitError('MissingDependency', 'install @aws-sdk/client-resource-groups-tagging-api'),
        ),
    } as AwsClients;
    expect(await findTaggedResources(missing, query)).toEqual({
      unavailable: 'no-client',
      message: 'install @aws-sdk/client-resource-groups-tagging-api',
    });
  });

  it('stops at once when its signal is aborted, before any call', async () => {
    emu.resetCalls();
    const controller = new AbortController();
    controller.abort();
    await expect(findTaggedResources(clients, { ...query, signal: controller.signal })).rejects.toThrow();
    expect(emu.calls({ service: 'tagging' })).toHaveLength(0);
  });

  it('retries a throttled page, and names the call in any other error', async () => {
    emu.setFaults([{ service: 'tagging', operation: 'GetResources', kind: 'throttle', count: 1 }]);
    try {
      expect((await findTaggedResources(clients, query)).arns).toHaveLength(58);
    } finally {
      emu.setFaults([]);
    }
    emu.setFaults([{ service: 'tagging', operation: 'GetResources', kind: 'error5xx', count: 2 }]);
    try {
      await expect(findTaggedResources(clients, query)).rejects.toThrow(/tag:GetResources/);
    } finally {
      emu.setFaults([]);
    }
  });
});
