import { CreateRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { startTestEmulator, TEST_CREDENTIALS, TEST_REGION } from '../src/testing.js';

describe('@eks-kit/aws-emulator/testing: the one test set-up', () => {
  it('starts on 127.0.0.1 and gives the endpoint, region, credentials, call log and stop', async () => {
    const env = await startTestEmulator({ seed: { accountId: '111111111111' } });
    const iam = new IAMClient(env.clientConfig());
    try {
      expect(env.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env.region).toBe(TEST_REGION);
      expect(env.credentials).toEqual(TEST_CREDENTIALS);
      expect(env.clientConfig()).toEqual({
        region: TEST_REGION,
        endpoint: env.endpoint,
        credentials: TEST_CREDENTIALS,
        maxAttempts: 3,
      });
      await iam.send(new ListRolesCommand({}));
      expect(env.mutations()).toEqual([]);
      const doc = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      };
      await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(doc) }));
      expect(env.mutations()).toEqual(['iam:CreateRole']);
      expect(env.calls().map((c) => c.operation)).toEqual(['ListRoles', 'CreateRole']);
    } finally {
      iam.destroy();
      await env.stop();
    }
  });

  it('answers as the seeded identity of the access key a test picks, in the region it picks', async () => {
    const env = await startTestEmulator({
      seed: {
        accountId: '111111111111',
        identities: { AKIDCI: { arn: 'arn:aws:iam::111111111111:user/ci' } },
      },
      region: 'eu-west-1',
      maxAttempts: 1,
    });
    const sts = new STSClient(env.clientConfig({ accessKeyId: 'AKIDCI' }));
    try {
      expect(env.clientConfig().region).toBe('eu-west-1');
      expect(env.clientConfig().maxAttempts).toBe(1);
      const me = await sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe('arn:aws:iam::111111111111:user/ci');
    } finally {
      sts.destroy();
      await env.stop();
    }
  });
});
