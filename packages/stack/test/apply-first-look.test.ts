/**
 * Issue 21 review: apply's wait for a certificate whose validation record the same run has just
 * written makes its first DescribeCertificate one interval (1 s) after the write, when ACM can have
 * validated it (docs/AWS-FACTS.md#acm-time-to-validate), not at once: the seed's first apply sends 2
 * DescribeCertificate (the record, then ISSUED), the argued minimum, where it sent 3. The order is
 * read from the emulator's call log; waitUntilIssued's own test shows the delay on an injected clock
 * (packages/acm-dns-validation/test/first-look.test.ts).
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { applyStack, parseStack } from '../src/index.js';
import { seedExample, useStackEmulator } from './support/emulator.js';

const { stackText, world } = seedExample();
const stack = parseStack(stackText);

describe('apply: the wait after writing the validation record', () => {
  let emu: Emulator;
  let clients: AwsClients;
  useStackEmulator(world, 'reset', (e, c) => {
    emu = e;
    clients = c;
  });

  it('one DescribeCertificate after the record`s write, and it finds the certificate ISSUED', async () => {
    // ACM validates 600 emulated seconds (0.6 s of real time at the test's 1000x) after the record
    // appears: a look at once after the write finds it pending, the look one interval (1 s) later
    // finds it ISSUED.
    emu.behaviour.acmValidationSeconds = 600;
    const result = await applyStack(clients, stack, { yes: true });
    expect(result.certificates.map((c) => c.status)).toEqual(['ISSUED']);
    const calls = emu.calls();
    const write = calls.findIndex((c) => c.operation === 'ChangeResourceRecordSets' && c.status === 200);
    expect(write).toBeGreaterThanOrEqual(0);
    const looks = calls.slice(write + 1).filter((c) => c.operation === 'DescribeCertificate');
    expect(looks).toHaveLength(1);
    // In all: one look until the record appeared, one when ISSUED.
    expect(calls.filter((c) => c.operation === 'DescribeCertificate')).toHaveLength(2);
  });
});
