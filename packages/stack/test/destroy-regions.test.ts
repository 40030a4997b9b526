/**
 * Destroy finds the stack's certificates in regions the file no longer names (issue 21): without a
 * flag it looks in the stack's own regions and says so; `allRegions` (one ec2:DescribeRegions) and
 * `regions` look further; a region that cannot be searched is reported, not a crash.
 */
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { type AwsClients, InvalidInputError } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, destroyStack, planDestroy } from '../src/index.js';
import {
  after,
  barValidationRecords,
  before,
  certificateList,
  mutatingCalls,
} from './support/certificate-regions.js';
import { seedExample, startStackEmulator, stopStackEmulator } from './support/emulator.js';

const seed = seedExample().world;
// In eu-west-1 beside the stack's: another stack's certificate and one made by hand (untagged).
const world: World = {
  ...seed,
  acm: {
    certificates: [
      { domainName: 'other.foo.example.com', region: 'eu-west-1', tags: { 'eks-kit:stack': 'other' } },
      { domainName: 'hand.foo.example.com', region: 'eu-west-1' },
    ],
  },
};

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  ({ emu, clients } = await startStackEmulator(world));
});
afterAll(() => stopStackEmulator(emu, clients));
beforeEach(() => emu.reset());

const certificates = () => certificateList(emu);
const validationRecords = () => barValidationRecords(emu);
const mutating = () => mutatingCalls(emu);

describe('destroy: certificates of the stack in regions the file no longer names', () => {
  it('without a flag keeps it and names where it looked; allRegions deletes it with its record, once', async () => {
    await applyStack(clients, before, { yes: true, wait: false });
    await applyStack(clients, after, { yes: true, wait: false }); // no --prune: the certificate stays
    expect(certificates()).toContain('eu-west-1 bar.foo.example.com');
    expect(validationRecords()).toHaveLength(1);

    const plain = await destroyStack(clients, after, { yes: true });
    expect(plain.certificateRegions).toEqual(['ap-northeast-1']);
    expect(plain.failedRegions).toEqual([]);
    expect(certificates()).toContain('eu-west-1 bar.foo.example.com');
    // Every destroy reads the account's regions once, before its first write (a validation record is
    // shared across regions), but searches only the stack's own without a flag.
    expect(emu.calls({ operation: 'DescribeRegions' })).toHaveLength(1);

    emu.resetCalls();
    const plan = await planDestroy(clients, after, { allRegions: true });
    expect(mutating()).toEqual([]);
    expect(plan.deleted).toEqual([
      expect.stringMatching(/^acm certificate bar\.foo\.example\.com \(arn:aws:acm:eu-west-1:/),
    ]);

    emu.resetCalls();
    const all = await destroyStack(clients, after, { yes: true, allRegions: true });
    expect(emu.calls({ operation: 'DescribeRegions' })).toHaveLength(1);
    expect(all.certificateRegions).toHaveLength(17);
    expect(all.certificateRegions).toContain('eu-west-1');
    expect(all.failedRegions).toEqual([]);
    expect(all.deleted).toEqual(plan.deleted);
    expect(mutating().sort()).toEqual(['acm:DeleteCertificate', 'route53:ChangeResourceRecordSets']);
    // Another stack's certificate and the hand-made one in that region are untouched.
    expect(certificates()).toEqual(['eu-west-1 hand.foo.example.com', 'eu-west-1 other.foo.example.com']);
    expect(validationRecords()).toEqual([]);

    emu.resetCalls();
    const again = await destroyStack(clients, after, { yes: true, allRegions: true });
    expect(again.deleted).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it('regions names the regions to add: the certificate there is found (DescribeRegions only for the record check)', async () => {
    await applyStack(clients, before, { yes: true, wait: false });
    emu.resetCalls();
    const done = await destroyStack(clients, after, { yes: true, regions: ['eu-west-1'] });
    expect(done.certificateRegions).toEqual(['ap-northeast-1', 'eu-west-1']);
    expect(done.deleted).toHaveLength(1);
    expect(emu.calls({ operation: 'DescribeRegions' })).toHaveLength(1);
    expect(certificates()).not.toContain('eu-west-1 bar.foo.example.com');
  });

  it('a region an SCP denies and a disabled opt-in region are reported each, and the others still searched', async () => {
    emu.seed({ ...world, regions: { deniedByScp: ['eu-west-3'] } });
    await applyStack(clients, before, { yes: true, wait: false });
    const done = await destroyStack(clients, after, {
      yes: true,
      allRegions: true,
      regions: ['af-south-1'],
    });
    expect(done.failedRegions.map((f) => [f.region, f.code])).toEqual([
      ['af-south-1', 'UnrecognizedClientException'],
      ['eu-west-3', 'AccessDeniedException'],
    ]);
    expect(done.failedRegions[1]?.message).toContain('explicit deny in a service control policy');
    expect(done.deleted).toHaveLength(1);
    expect(certificates()).not.toContain('eu-west-1 bar.foo.example.com');
  });

  it('refuses a bad region name naming the field, before any AWS call', async () => {
    emu.resetCalls();
    const refused = await planDestroy(clients, after, { regions: ['eu-west-1', 'eu-wst-1'] }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as Error).message).toMatch(/^regions\[1\]: .*did you mean eu-west-1\?/);
    expect(emu.calls({})).toEqual([]);
  });
});
