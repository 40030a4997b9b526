/**
 * plan, apply --prune and check find the stack's certificates in regions the file no longer names
 * (issue 21): a certificate moved to another region in the file is an orphan (`-`) only with
 * `allRegions` / `regions`; apply --prune deletes it through destroy's owned-only path and keeps the
 * validation CNAME the moved certificate (same name, another region) still needs; a region that cannot
 * be searched is a warning; a bad `regions` and a refused ec2:DescribeRegions stop before any call or
 * write.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, type Change, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { applyStack, checkStack, planStack } from '../src/index.js';
import {
  barValidationRecords,
  before,
  certificateList,
  certificatesWorld,
  inClusterRegion,
  moved,
  mutatingCalls,
  noRegionsClients,
} from './support/certificate-regions.js';
import { useStackEmulator } from './support/emulator.js';

let emu: Emulator;
let clients: AwsClients;
// Another stack's certificate in eu-west-1, and one of this stack in af-south-1, an opt-in region the
// account has not enabled (never searched).
const world = certificatesWorld([
  { domainName: 'other.foo.example.com', region: 'eu-west-1', tags: { 'eks-kit:stack': 'other' } },
  { domainName: 'left.foo.example.com', region: 'af-south-1', tags: { 'eks-kit:stack': 'seed' } },
]);

useStackEmulator(world, 'reset', (e, c) => {
  emu = e;
  clients = c;
});
const certificates = () => certificateList(emu);
const records = () => barValidationRecords(emu);
const mutating = () => mutatingCalls(emu);
const certificateOrphans = (orphans: ReadonlyArray<{ resource: string }>) =>
  orphans.filter((o) => o.resource.startsWith('acm certificate')).map((o) => o.resource);
const EU_BAR = /^acm certificate bar\.foo\.example\.com \(arn:aws:acm:eu-west-1:/;
const EU_ARN = /^acm certificate arn:aws:acm:eu-west-1:/;

/** The stack's bar certificate applied in eu-west-1, then moved to us-east-1 without --prune. */
async function moveBar(): Promise<void> {
  await applyStack(clients, before, { yes: true, wait: false });
  await applyStack(clients, moved, { yes: true, wait: false });
  expect(certificates()).toEqual([
    'af-south-1 left.foo.example.com',
    'eu-west-1 bar.foo.example.com',
    'eu-west-1 other.foo.example.com',
    'us-east-1 bar.foo.example.com',
  ]);
  // ACM gives the two certificates of one name the same validation record.
  expect(records()).toHaveLength(1);
}

describe('plan, apply and check: certificates of the stack in regions the file no longer names', () => {
  it('plan shows a certificate moved to another region as `-` only with allRegions or regions', async () => {
    await moveBar();
    emu.resetCalls();
    const plain = await planStack(clients, moved);
    expect(certificateOrphans(plain.orphans)).toEqual([]);
    // Without the flags plan reads no region list (its calls are those of before).
    expect(emu.calls({ operation: 'DescribeRegions' })).toEqual([]);

    emu.resetCalls();
    const all = await planStack(clients, moved, { allRegions: true });
    expect(certificateOrphans(all.orphans)).toEqual([expect.stringMatching(EU_BAR)]);
    expect(all.changes.filter((c) => EU_BAR.test(c.resource))).toEqual([]); // apply leaves it
    expect(all.findings.filter((f) => f.status !== 'ok' && f.check.startsWith('stack.orphans'))).toEqual([]);
    expect(mutating()).toEqual([]);
    expect(emu.calls({ operation: 'DescribeRegions' })).toHaveLength(1);
    // The opt-in region the account has not enabled is not searched (its certificate is not shown).
    expect(emu.calls().filter((c) => c.region === 'af-south-1')).toEqual([]);

    // As apply --prune --all-regions would run: its deletion is a `-` change.
    const pruning = await planStack(clients, moved, { allRegions: true, prune: true });
    // (The certificate's delete procedure names it by its ARN, as apply --prune reports it.)
    expect(pruning.changes.filter((c) => EU_ARN.test(c.resource)).map((c) => c.action)).toEqual(['delete']);
    expect(pruning.orphans).toEqual([]);

    emu.resetCalls();
    const named = await planStack(clients, moved, { regions: ['eu-west-1'] });
    expect(certificateOrphans(named.orphans)).toEqual(certificateOrphans(all.orphans));
    expect(emu.calls({ operation: 'DescribeRegions' })).toEqual([]);
  });

  it("apply --prune --all-regions deletes it, keeps the CNAME the moved certificate needs, never another stack's", async () => {
    await moveBar();
    // Without prune the orphan is left and named.
    const kept = await applyStack(clients, moved, { yes: true, wait: false, allRegions: true });
    expect(kept.orphans.map((o) => o.resource)).toEqual([expect.stringMatching(EU_BAR)]);
    expect(certificates()).toContain('eu-west-1 bar.foo.example.com');

    emu.resetCalls();
    let asked: readonly Change[] = [];
    const pruned = await applyStack(clients, moved, {
      prune: true,
      allRegions: true,
      wait: false,
      confirm: async (changes) => {
        asked = changes;
        return true;
      },
    });
    expect(certificateOrphans(asked.filter((c) => c.action === 'delete'))).toEqual([
      expect.stringMatching(EU_ARN),
    ]);
    expect(pruned.orphans).toEqual([]);
    expect(mutating()).toEqual(['acm:DeleteCertificate']);
    expect(certificates()).toEqual([
      'af-south-1 left.foo.example.com',
      'eu-west-1 other.foo.example.com',
      'us-east-1 bar.foo.example.com',
    ]);
    expect(records()).toHaveLength(1);

    emu.resetCalls();
    const again = await applyStack(clients, moved, { yes: true, prune: true, allRegions: true, wait: false });
    expect(again.changes).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it('apply --prune without a flag keeps the CNAME a certificate of the same name in another region needs', async () => {
    // In the cluster's region (searched without a flag), then moved to us-east-1: the orphan's record
    // is the moved certificate's too.
    await applyStack(clients, inClusterRegion, { yes: true, wait: false });
    await applyStack(clients, moved, { yes: true, wait: false });
    expect(records()).toHaveLength(1);
    emu.resetCalls();
    const pruned = await applyStack(clients, moved, { yes: true, prune: true, wait: false });
    expect(pruned.orphans).toEqual([]);
    expect(mutating()).toEqual(['acm:DeleteCertificate']);
    expect(certificates()).toContain('us-east-1 bar.foo.example.com');
    expect(certificates()).not.toContain('ap-northeast-1 bar.foo.example.com');
    expect(records()).toHaveLength(1);
  });

  it('a region an SCP denies or not enabled is a warning finding naming it; the others are still searched', async () => {
    emu.seed({ ...world, regions: { deniedByScp: ['eu-west-3'] } });
    await moveBar();
    const all = await planStack(clients, moved, { allRegions: true, regions: ['af-south-1'] });
    expect(certificateOrphans(all.orphans)).toEqual([expect.stringMatching(EU_BAR)]);
    const warnings = all.findings.filter((f) => f.check === 'stack.orphans.region');
    expect(warnings.map((f) => [f.status, f.resource, f.data?.code])).toEqual([
      ['warn', 'acm certificates of af-south-1', 'UnrecognizedClientException'],
      ['warn', 'acm certificates of eu-west-3', 'AccessDeniedException'],
    ]);
    expect(warnings[1]?.message).toMatch(/^could not look for certificates of stack seed in eu-west-3: /);
    expect(all.findings.filter((f) => f.status === 'fail')).toEqual([]);

    const checked = await checkStack(clients, moved, { allRegions: true });
    expect(checked.filter((f) => f.check === 'stack.orphan').map((f) => f.resource)).toEqual([
      expect.stringMatching(EU_BAR),
    ]);
    expect(checked.filter((f) => f.check === 'stack.orphans.region').map((f) => f.resource)).toEqual([
      'acm certificates of eu-west-3',
    ]);

    const applied = await applyStack(clients, moved, {
      yes: true,
      prune: true,
      allRegions: true,
      wait: false,
    });
    expect(applied.findings.filter((f) => f.check === 'stack.orphans.region')).toHaveLength(1);
    expect(certificates()).not.toContain('eu-west-1 bar.foo.example.com');
  });

  it('a bad regions option is refused naming the field, before any AWS call (plan, apply, check)', async () => {
    emu.resetCalls();
    const refusals = await Promise.all([
      planStack(clients, moved, { regions: ['eu-wst-1'] }).catch((e: unknown) => e),
      applyStack(clients, moved, { yes: true, regions: ['cn-north-1'] }).catch((e: unknown) => e),
      checkStack(clients, moved, { regions: 'eu-west-1' as unknown as string[] }).catch((e: unknown) => e),
    ]);
    for (const refused of refusals) expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refusals[0] as Error).message).toMatch(/^regions: .*did you mean eu-west-1\?/);
    expect((refusals[1] as Error).message).toMatch(
      /regions: expected a region of the cluster's partition \(aws\)/,
    );
    expect((refusals[2] as Error).message).toMatch(/regions: expected a list of AWS region names/);
    expect(emu.calls()).toEqual([]);
  });

  it('without ec2:DescribeRegions, apply --all-regions stops before any write; plan stops, check fails its orphans check', async () => {
    await applyStack(clients, before, { yes: true, wait: false });
    const denied = await noRegionsClients(emu);
    try {
      emu.resetCalls();
      // `moved` has a change to make (the us-east-1 certificate): none is made.
      await expect(applyStack(denied, moved, { yes: true, allRegions: true, wait: false })).rejects.toThrow(
        /DescribeRegions/,
      );
      await expect(
        applyStack(denied, moved, { yes: true, prune: true, allRegions: true, wait: false }),
      ).rejects.toThrow(/DescribeRegions/);
      expect(mutating()).toEqual([]);
      expect(certificates()).not.toContain('us-east-1 bar.foo.example.com');
      // plan stops with the error; check's orphans check cannot run (a fail finding naming it).
      await expect(planStack(denied, moved, { allRegions: true })).rejects.toThrow(/DescribeRegions/);
      const checked = await checkStack(denied, moved, { allRegions: true });
      expect(checked.find((f) => f.check === 'stack.orphans')).toMatchObject({
        status: 'fail',
        message: expect.stringMatching(/^check could not run: .*DescribeRegions/),
      });
    } finally {
      denied.destroy();
    }
  });
});
