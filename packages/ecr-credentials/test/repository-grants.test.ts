import { SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkRepositoryGrants, ensureRepository } from '../src/index.js';

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  const env = await startTestEmulator({
    seed: { accountId: '123456789012', region: 'eu-west-1' },
    region: 'eu-west-1',
  });
  emu = env.emulator;
  clients = await createClients(env.clientConfig());
});
afterAll(async () => {
  clients.destroy();
  await emu.stop();
});
beforeEach(() => emu.reset());

const anyone = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'ecr:*' }],
});

describe('checkRepositoryGrants', () => {
  it('fails on a policy set by hand on an owned repository that lets anyone in; reads only', async () => {
    await ensureRepository(clients, { name: 'team/app', stack: 'prod' });
    const ecr = await clients.ecr();
    await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'team/app', policyText: anyone }));
    emu.resetCalls();
    const [f] = await checkRepositoryGrants(clients, { name: 'team/app', stack: 'prod' });
    expect(f?.status).toBe('fail');
    expect(f?.message).toBe(
      'repository policy of team/app grants more than stack prod\'s own: allows anyone (Principal "*") without a condition; allows ecr:*',
    );
    expect(f?.hint).toContain('aws ecr delete-repository-policy --repository-name team/app');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('ok without a policy; nothing for a repository of another stack or a missing one', async () => {
    await ensureRepository(clients, { name: 'team/app', stack: 'prod' });
    expect((await checkRepositoryGrants(clients, { name: 'team/app', stack: 'prod' }))[0]?.status).toBe('ok');
    expect(await checkRepositoryGrants(clients, { name: 'team/app', stack: 'other' })).toEqual([]);
    expect(await checkRepositoryGrants(clients, { name: 'team/none', stack: 'prod' })).toEqual([]);
  });
});
