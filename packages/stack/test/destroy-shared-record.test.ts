/**
 * A certificate's validation CNAME is shared by every certificate of its name in the account, whatever
 * the region (review of issue 21): destroy deletes it only when no live certificate of any enabled
 * region needs it, and settles the account's regions before its first write.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, destroyStack } from '../src/index.js';
import {
  after,
  barValidationRecords,
  before,
  certificatesWorld,
  mutatingCalls,
  noRegionsClients,
} from './support/certificate-regions.js';
import { startStackEmulator, stopStackEmulator } from './support/emulator.js';

// Another stack's certificate of the same name in us-east-1: it validates (and renews) through the
// same CNAME as the stack's in eu-west-1.
const world = certificatesWorld([
  { domainName: 'bar.foo.example.com', region: 'us-east-1', tags: { 'eks-kit:stack': 'other' } },
]);

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  ({ emu, clients } = await startStackEmulator(world));
});
afterAll(() => stopStackEmulator(emu, clients));
beforeEach(() => emu.reset());

const records = () => barValidationRecords(emu);
const mutating = () => mutatingCalls(emu);

describe('destroy and a validation record shared across regions', () => {
  it("keeps the record another region's certificate of the same name still needs, naming it", async () => {
    await applyStack(clients, before, { yes: true, wait: false });
    await applyStack(clients, after, { yes: true, wait: false });
    expect(records()).toHaveLength(1);
    emu.resetCalls();
    const result = await destroyStack(clients, after, { yes: true, regions: ['eu-west-1'] });
    expect(result.deleted).toEqual([
      expect.stringMatching(/^acm certificate bar\.foo\.example\.com \(arn:aws:acm:eu-west-1:/),
    ]);
    expect(records()).toHaveLength(1);
    expect(mutating()).not.toContain('route53:ChangeResourceRecordSets');
    expect(result.kept).toEqual([
      expect.objectContaining({
        resource: expect.stringMatching(/^route53 record .*bar\.foo\.example\.com CNAME$/),
        because: 'refused',
        reason: expect.stringMatching(/arn:aws:acm:us-east-1:.* still needs it/),
      }),
    ]);
  });

  it('without ec2:DescribeRegions: --all-regions stops before any write; a plain destroy keeps the records', async () => {
    await applyStack(clients, before, { yes: true, wait: false });
    const denied = await noRegionsClients(emu);
    try {
      emu.resetCalls();
      await expect(destroyStack(denied, before, { yes: true, allRegions: true })).rejects.toThrow(
        /DescribeRegions/,
      );
      expect(mutating()).toEqual([]);
      const plain = await destroyStack(denied, before, { yes: true });
      expect(plain.deleted).toContainEqual(expect.stringMatching(/^acm certificate bar\.foo\.example\.com/));
      expect(records()).toHaveLength(1);
      expect(plain.kept).toContainEqual(
        expect.objectContaining({
          because: 'refused',
          reason: expect.stringContaining('ec2:DescribeRegions was refused'),
        }),
      );
    } finally {
      denied.destroy();
    }
  });

  it('refuses a region of another partition before any call, naming the field', async () => {
    emu.resetCalls();
    await expect(destroyStack(clients, after, { yes: true, regions: ['cn-north-1'] })).rejects.toThrow(
      /regions: expected a region of the cluster's partition \(aws\)/,
    );
    await expect(
      destroyStack(clients, after, { yes: true, regions: 'eu-west-1' as unknown as string[] }),
    ).rejects.toThrow(/regions: expected a list of AWS region names/);
    expect(emu.calls()).toEqual([]);
  });
});
