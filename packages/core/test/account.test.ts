import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createClients, describeAccount } from '../src/index.js';

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  const env = await startTestEmulator({
    seed: {
      accountId: '111111111111',
      identities: { AKIDCI: { arn: 'arn:aws:sts::111111111111:assumed-role/ci/build' } },
    },
    region: 'eu-west-1',
    maxAttempts: 1,
  });
  emu = env.emulator;
  clients = await createClients(env.clientConfig({ accessKeyId: 'AKIDCI' }));
});
afterAll(async () => {
  clients.destroy();
  await emu.stop();
});

describe('describeAccount (the one account lookup)', () => {
  it('answers the account, the partition of the caller ARN and the ARN, in one STS read', async () => {
    emu.resetCalls();
    await expect(describeAccount(clients)).resolves.toEqual({
      accountId: '111111111111',
      partition: 'aws',
      arn: 'arn:aws:sts::111111111111:assumed-role/ci/build',
    });
    expect(emu.calls().map((c) => `${c.service}:${c.operation}`)).toEqual(['sts:GetCallerIdentity']);
  });

  it('passes the abort signal to the call', async () => {
    await expect(describeAccount(clients, { signal: AbortSignal.abort() })).rejects.toThrow();
  });
});
