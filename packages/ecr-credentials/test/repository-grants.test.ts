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

const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const OTHER = 'arn:aws:iam::999999999999:root';

async function withPolicy(policyText: string, name = 'team/app', stack = 'prod'): Promise<void> {
  await ensureRepository(clients, { name, stack });
  const ecr = await clients.ecr();
  await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: name, policyText }));
  emu.resetCalls();
}

describe('checkRepositoryGrants', () => {
  it('fails on a policy set by hand on an owned repository that lets anyone in; reads only', async () => {
    await withPolicy(anyone);
    const [f] = await checkRepositoryGrants(clients, { name: 'team/app', stack: 'prod' });
    expect(f?.status).toBe('fail');
    expect(f?.message).toBe(
      'repository policy of team/app grants more than stack prod\'s own (the stack file sets no repository policy): statement 0 (Sid "open") allows * ecr:* (35 write actions): push, delete or change the repository or its policy',
    );
    expect(f?.hint).toContain('aws ecr delete-repository-policy --repository-name team/app');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('fails on push, delete and policy actions granted to another account (the new-user trial)', async () => {
    const actions = [
      'ecr:PutImage',
      'ecr:BatchDeleteImage',
      'ecr:SetRepositoryPolicy',
      'ecr:DeleteRepository',
    ];
    await withPolicy(policy({ Sid: 'partner', Effect: 'Allow', Principal: { AWS: OTHER }, Action: actions }));
    const [f] = await checkRepositoryGrants(clients, {
      name: 'team/app',
      stack: 'prod',
      ownRoles: ['prod-ci'],
    });
    expect(f).toMatchObject({ check: 'ecr.grants', resource: 'ecr repository team/app', status: 'fail' });
    expect(f?.message).toContain(`statement 0 (Sid "partner") allows ${OTHER} ${actions.join(', ')}`);
    expect(f?.hint).toBe(
      'show it: aws ecr get-repository-policy --repository-name team/app; remove statement 0 (Sid "partner") and set the rest (aws ecr set-repository-policy --repository-name team/app --policy-text file://policy.json), or remove the whole policy (aws ecr delete-repository-policy --repository-name team/app)',
    );
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('warns on a cross-account pull; ok on a Deny-only policy or a grant to the stack own role', async () => {
    const pull = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
    await withPolicy(policy({ Sid: 'pull', Effect: 'Allow', Principal: { AWS: OTHER }, Action: pull }));
    const [warn] = await checkRepositoryGrants(clients, { name: 'team/app', stack: 'prod' });
    expect(warn?.status).toBe('warn');
    expect(warn?.message).toBe(
      `repository policy of team/app lets principals outside stack prod pull (read only): statement 0 (Sid "pull") allows ${OTHER} ${pull.join(', ')}: pull (read only)`,
    );
    await withPolicy(
      policy(
        { Effect: 'Deny', Principal: '*', Action: 'ecr:DeleteRepository' },
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/prod-ci' }, Action: 'ecr:*' },
      ),
    );
    const [ok] = await checkRepositoryGrants(clients, {
      name: 'team/app',
      stack: 'prod',
      ownRoles: ['prod-ci'],
    });
    expect(ok).toMatchObject({
      status: 'ok',
      message: "the repository policy grants no more than stack prod's own",
    });
  });

  it('fails a NotAction allow; the message holds no condition value', async () => {
    await withPolicy(
      policy({
        Effect: 'Allow',
        Principal: { AWS: OTHER },
        NotAction: 'ecr:DeleteRepository',
        Condition: { StringEquals: { 'sts:ExternalId': 'very-secret-external-id' } },
      }),
    );
    const [f] = await checkRepositoryGrants(clients, { name: 'team/app', stack: 'prod' });
    expect(f?.status).toBe('fail');
    expect(f?.message).toContain(
      'statement 0 allows arn:aws:iam::999999999999:root every action but ecr:DeleteRepository',
    );
    expect(JSON.stringify(f)).not.toContain('very-secret-external-id');
  });

  it('ok without a policy; nothing for a repository of another stack or a missing one', async () => {
    await ensureRepository(clients, { name: 'team/app', stack: 'prod' });
    expect((await checkRepositoryGrants(clients, { name: 'team/app', stack: 'prod' }))[0]).toMatchObject({
      status: 'ok',
      message: 'no repository policy (stack prod sets none)',
    });
    expect(await checkRepositoryGrants(clients, { name: 'team/app', stack: 'other' })).toEqual([]);
    expect(await checkRepositoryGrants(clients, { name: 'team/none', stack: 'prod' })).toEqual([]);
  });

  it('a dangerous policy on a repository of another stack is not reported under this stack', async () => {
    await withPolicy(
      policy({ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'ecr:PutImage' }),
      'team/other',
      'other',
    );
    expect(await checkRepositoryGrants(clients, { name: 'team/other', stack: 'prod' })).toEqual([]);
    expect((await checkRepositoryGrants(clients, { name: 'team/other', stack: 'other' }))[0]?.status).toBe(
      'fail',
    );
  });
});
