import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients, InvalidInputError } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeTrustPolicySizeQuota,
  ensureRole,
  POLICY_SIZE_LIMITS,
  policyDocument,
  policySize,
  statement,
} from '../src/index.js';
import { ACCOUNT, FAST_RETRY } from './support/emulator.js';
import { rejection } from './support/invalid-input.js';

// A trust policy of about 2,600 characters: over IAM's default 2,048, under a raised quota of 4,096.
const services = Array.from({ length: 90 }, (_, i) => `service${String(i).padStart(2, '0')}.amazonaws.com`);
const bigTrust = policyDocument(
  [statement({ principals: { Service: services }, actions: 'sts:AssumeRole' })],
  {
    kind: 'trust',
  },
);

describe('trust policy size quota (docs/AWS-FACTS.md#iam-names-and-size-limits: 2,048 by default, GetAccountSummary AssumeRolePolicySizeQuota)', () => {
  let emu: Emulator;
  let clients: AwsClients;
  beforeAll(async () => {
    const env = await startTestEmulator({
      seed: { accountId: ACCOUNT },
      behaviour: { iamAssumeRolePolicySizeQuota: 4096 },
    });
    emu = env.emulator;
    clients = await createClients(env.clientConfig());
  });
  afterAll(async () => {
    clients.destroy();
    await emu.stop();
  });

  it('refuses a trust policy over 2,048 by default, before any AWS call, hinting at the live quota', async () => {
    expect(policySize(bigTrust)).toBeGreaterThan(POLICY_SIZE_LIMITS.trustDefault);
    expect(policySize(bigTrust)).toBeLessThan(4096);
    const error = await rejection(ensureRole(clients, { name: 'big', trust: bigTrust }, FAST_RETRY));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.field).toBe('trust');
    expect(error.hint).toContain('describeTrustPolicySizeQuota');
    expect(emu.calls()).toEqual([]);
  });

  it('accepts it with the quota GetAccountSummary reports', async () => {
    const trustSizeLimit = await describeTrustPolicySizeQuota(clients);
    expect(trustSizeLimit).toBe(4096);
    const result = await ensureRole(clients, { name: 'big', trust: bigTrust, trustSizeLimit }, FAST_RETRY);
    expect(result.created).toBe(true);
    expect(emu.calls({ mutating: true }).map((c) => c.operation)).toEqual(['CreateRole']);
  });
});
