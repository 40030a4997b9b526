import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients, ProgressEvent } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRole, kube2iamTrustPolicy } from '../src/index.js';
import { ACCOUNT, startIamEmulator, world } from './support/emulator.js';

// Emulated time almost stands still (speed 0.001): the node role stays inside IAM's propagation
// window until the test moves the clock on, at the first retry event. No race with real time.
let emu: Emulator;
let clients: AwsClients;

beforeAll(async () => {
  ({ emu, clients } = await startIamEmulator({
    speed: 0.001,
    seed: world([{ name: 'fresh-node', ageSeconds: 0 }]),
  }));
});
afterAll(async () => {
  clients.destroy();
  await emu.stop();
});

describe('IAM propagation window (docs/AWS-FACTS.md#iam-propagation-delay; terraform-provider-aws#1388)', () => {
  it('retries "Invalid principal in policy" with an event per retry, then creates the role', async () => {
    const events: ProgressEvent[] = [];
    const result = await ensureRole(
      clients,
      {
        name: 'kube2iam-app',
        trust: kube2iamTrustPolicy({ nodeRoleArns: [`arn:aws:iam::${ACCOUNT}:role/fresh-node`] }),
      },
      {
        propagation: { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 30_000 },
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'retry') emu.advanceClock(60);
        },
      },
    );
    expect(result.created).toBe(true);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]?.message).toMatch(/propagate/);
    const creates = emu.calls({ service: 'iam', operation: 'CreateRole' });
    expect(creates[0]?.error).toBe('MalformedPolicyDocument');
    expect(creates.at(-1)?.error).toBeUndefined();
  });
});
