/**
 * A certificate's validation CNAME is shared by every certificate of its name in the account, whatever
 * the region (review of issue 21): destroy deletes it only when no live certificate of any enabled
 * region needs it, and settles the account's regions before its first write.
 */

import { findRecordSet, listHostedZones } from '@eks-kit/acm-dns-validation';
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, destroyStack, parseStack, planStack } from '../src/index.js';
import {
  after,
  barValidationRecords,
  before,
  certificateList,
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
        resource: expect.stringMatching(
          /^route53 record .*bar\.foo\.example\.com CNAME \S+\.acm-validations\.aws$/,
        ),
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

  // One name in two regions (CloudFront's us-east-1 and the load balancer's region): one record.
  const twoRegions = parseStack(
    'name: seed\ncluster:\n  name: seed\n  region: ap-northeast-1\n  kubernetesVersion: "1.35"\n' +
      'certificates:\n  - domainName: bar.foo.example.com\n    region: eu-west-1\n' +
      '  - domainName: bar.foo.example.com\n    region: us-east-1\n',
    'eks-kit.yaml',
  );
  const recordDeletes = () =>
    emu.calls({ service: 'route53', operation: 'ChangeResourceRecordSets', mutating: true }).length;

  it('one name in two regions: destroy deletes both certificates and their one record, once', async () => {
    emu.seed(certificatesWorld([]));
    await applyStack(clients, twoRegions, { yes: true, wait: false });
    expect(records()).toHaveLength(1);
    emu.resetCalls();
    const plan = await destroyStack(clients, twoRegions, {
      confirm: async (p) => {
        expect(p.changes.filter((c) => c.resource.startsWith('route53 record'))).toHaveLength(1);
        expect(p.kept).toEqual([]);
        return true;
      },
    });
    expect(plan.deleted.filter((d) => d.startsWith('acm certificate'))).toHaveLength(2);
    expect(plan.kept).toEqual([]);
    expect(records()).toEqual([]);
    expect(recordDeletes()).toBe(1);
    expect(certificateList(emu).filter((c) => c.endsWith('bar.foo.example.com'))).toEqual([]);
  });

  it('one name in two regions: apply --prune of both deletes the record once, keeps nothing', async () => {
    emu.seed(certificatesWorld([]));
    await applyStack(clients, twoRegions, { yes: true, wait: false });
    emu.resetCalls();
    const pruned = await applyStack(clients, after, {
      yes: true,
      prune: true,
      wait: false,
      regions: ['eu-west-1', 'us-east-1'],
    });
    expect(pruned.orphans).toEqual([]);
    expect(records()).toEqual([]);
    expect(recordDeletes()).toBe(1);
  });

  it('a region an SCP denies: the record is kept once, named with its zone and the command that deletes it', async () => {
    emu.seed({ ...certificatesWorld([]), regions: { deniedByScp: ['eu-west-3'] } });
    await applyStack(clients, twoRegions, { yes: true, wait: false });
    emu.resetCalls();
    const result = await destroyStack(clients, twoRegions, { yes: true });
    expect(result.deleted.filter((d) => d.startsWith('acm certificate'))).toHaveLength(2);
    expect(records()).toHaveLength(1);
    expect(mutating()).not.toContain('route53:ChangeResourceRecordSets');
    expect(result.kept).toHaveLength(1);
    const kept = result.kept[0];
    const zone = (await listHostedZones(clients)).find((z) => z.name === 'foo.example.com');
    expect(kept).toMatchObject({
      because: 'refused',
      reason: expect.stringMatching(/^the certificates of eu-west-3 .* could not be listed/),
      record: { type: 'CNAME', zoneId: zone?.id, value: expect.stringMatching(/\.acm-validations\.aws$/) },
    });
    expect(kept?.resource).toBe(
      `route53 record ${kept?.record?.name} CNAME ${kept?.record?.value} in zone ${zone?.id}`,
    );
    const command = kept?.record?.command ?? '';
    expect(kept?.hint).toBe(`once you have checked, delete it with: ${command}`);
    expect(command).toMatch(
      /^aws route53 change-resource-record-sets --hosted-zone-id \S+ --change-batch '\{"Changes":\[\{"Action":"DELETE",.*\}'$/,
    );
    // The command is exact: its record set is the one in the zone (Route 53 deletes only an exact match).
    const batch = JSON.parse(command.slice(command.indexOf("'") + 1, -1));
    const existing = await findRecordSet(clients, zone?.id as string, kept?.record?.name as string, 'CNAME');
    expect(batch.Changes[0].ResourceRecordSet).toEqual({
      Name: `${kept?.record?.name}.`,
      Type: 'CNAME',
      TTL: existing?.ttl,
      ResourceRecords: (existing?.values ?? []).map((v) => ({ Value: v.endsWith('.') ? v : `${v}.` })),
    });
  });

  it('a region an SCP denies: apply --prune names the kept record and the command', async () => {
    emu.seed({ ...certificatesWorld([]), regions: { deniedByScp: ['eu-west-3'] } });
    await applyStack(clients, before, { yes: true, wait: false });
    const pruned = await applyStack(clients, after, {
      yes: true,
      prune: true,
      wait: false,
      regions: ['eu-west-1'],
    });
    expect(records()).toHaveLength(1);
    expect(pruned.orphans).toEqual([
      {
        resource: expect.stringMatching(/^route53 record \S+bar\.foo\.example\.com CNAME \S+ in zone \S+$/),
        reason: expect.stringMatching(
          /could not be listed.*; once you have checked, delete it with: aws route53 change-resource-record-sets /,
        ),
      },
    ]);
  });

  it('a region an SCP denies: plan --prune lists the record apply --prune would keep, with the command (review of issue 21)', async () => {
    emu.seed({ ...certificatesWorld([]), regions: { deniedByScp: ['eu-west-3'] } });
    await applyStack(clients, before, { yes: true, wait: false });
    const planned = await planStack(clients, after, { prune: true, regions: ['eu-west-1'] });
    expect(planned.orphans).toEqual([
      {
        resource: expect.stringMatching(/^route53 record \S+bar\.foo\.example\.com CNAME \S+ in zone \S+$/),
        reason: expect.stringMatching(
          /could not be listed.*; once you have checked, delete it with: aws route53 change-resource-record-sets /,
        ),
      },
    ]);
    expect(records()).toHaveLength(1);
  });
});
