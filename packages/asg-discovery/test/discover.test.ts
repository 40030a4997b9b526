import type { World } from '@eks-kit/aws-emulator';
import { describe, expect, it } from 'vitest';
import { describeInstanceTypes, discoverNodeGroups, podFits } from '../src/index.js';
import { REGION, startWorld } from './helpers.js';

const enabled = { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/prod': 'owned' };

describe('discoverNodeGroups', () => {
  it('discovers 10,000 seeded groups with at most 100 describe calls (scale is the point here)', async () => {
    const { emu, clients } = await startWorld({
      region: REGION,
      ec2: { launchTemplates: [{ name: 'workers', instanceType: 't3.large' }] },
      autoscaling: {
        generate: {
          count: 10_000,
          prefix: 'ng',
          tags: enabled,
          launchTemplate: { name: 'workers' },
          instanceTypes: ['m5.large', 'm6i.large'],
        },
        groups: [
          {
            name: 'other-cluster',
            tags: { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/dev': 'owned' },
          },
        ],
      },
    });
    try {
      const groups = await discoverNodeGroups(clients, { cluster: 'prod' });
      expect(groups).toHaveLength(10_000);
      expect(groups[0]).toMatchObject({
        name: 'ng-00001',
        instanceTypes: ['m5.large', 'm6i.large'],
        instanceTypeSource: 'mixed-instances-policy',
      });
      const describes = emu.calls().filter((c) => c.operation.startsWith('Describe'));
      expect(describes.length).toBeLessThanOrEqual(100);
      expect(clients.counter.snapshot()).toEqual([
        expect.objectContaining({
          service: 'autoScaling',
          operation: 'DescribeAutoScalingGroups',
          calls: 100,
        }),
      ]);
    } finally {
      clients.destroy();
      await emu.stop();
    }
  });

  const small: World = {
    region: REGION,
    ec2: {
      launchTemplates: [
        { name: 'workers', instanceType: 't3.large', versions: [{ instanceType: 'm5.xlarge' }] },
        { name: 'spot', instanceType: 'c5.large' },
      ],
    },
    autoscaling: {
      launchConfigurations: [{ name: 'legacy-lc', instanceType: 'm5.large' }],
      groups: [
        { name: 'a-default', launchTemplate: { name: 'workers' }, tags: enabled },
        { name: 'b-latest', launchTemplate: { name: 'workers', version: '$Latest' }, tags: enabled },
        { name: 'c-v1', launchTemplate: { name: 'workers', version: '1' }, tags: enabled },
        {
          name: 'd-mixed',
          mixedInstancesPolicy: {
            launchTemplate: { name: 'spot' },
            overrides: [{ instanceType: 'c5.large' }, { instanceType: 'c6i.large' }],
          },
          tags: enabled,
        },
        {
          name: 'e-lc',
          launchConfigurationName: 'legacy-lc',
          minSize: 1,
          maxSize: 4,
          desiredCapacity: 2,
          tags: enabled,
        },
        { name: 'f-untagged', launchTemplate: { name: 'spot' } },
        {
          name: 'g-half',
          launchTemplate: { name: 'spot' },
          tags: { 'k8s.io/cluster-autoscaler/enabled': 'true' },
        },
      ],
    },
  };

  it('resolves instance types from templates ($Default, $Latest, numbers), overrides and launch configurations', async () => {
    const { emu, clients } = await startWorld(small);
    try {
      const groups = await discoverNodeGroups(clients, { cluster: 'prod' });
      expect(groups.map((g) => [g.name, g.instanceTypeSource, g.instanceTypes])).toEqual([
        ['a-default', 'launch-template', ['t3.large']],
        ['b-latest', 'launch-template', ['m5.xlarge']],
        ['c-v1', 'launch-template', ['t3.large']],
        ['d-mixed', 'mixed-instances-policy', ['c5.large', 'c6i.large']],
        ['e-lc', 'launch-configuration', ['m5.large']],
      ]);
      expect(groups[4]).toMatchObject({ minSize: 1, maxSize: 4, desiredCapacity: 2, instances: 2 });
      // one DescribeLaunchTemplateVersions for the one template, one DescribeLaunchConfigurations
      expect(emu.calls({ service: 'ec2' }).map((c) => c.operation)).toEqual([
        'DescribeLaunchTemplateVersions',
      ]);
      expect(emu.calls({ operation: 'DescribeLaunchConfigurations' })).toHaveLength(1);
      expect(emu.calls({ mutating: true })).toEqual([]);
    } finally {
      clients.destroy();
      await emu.stop();
    }
  });

  it('a deleted template or version leaves only its groups unresolved, with the reason', async () => {
    const { emu, clients } = await startWorld({
      ...small,
      autoscaling: {
        groups: [
          { name: 'a-default', launchTemplate: { name: 'workers' }, tags: enabled },
          { name: 'b-v9', launchTemplate: { name: 'workers', version: '9' }, tags: enabled },
          { name: 'c-retired', launchTemplate: { name: 'retired' }, tags: enabled },
        ],
      },
    });
    try {
      const groups = await discoverNodeGroups(clients, { cluster: 'prod' });
      expect(groups.map((g) => [g.name, g.instanceTypes, g.instanceTypesUnresolved])).toEqual([
        ['a-default', ['t3.large'], undefined],
        [
          'b-v9',
          [],
          expect.stringMatching(
            /^launch template workers version 9: InvalidLaunchTemplateId\.VersionNotFound/,
          ),
        ],
        [
          'c-retired',
          [],
          expect.stringMatching(
            /^launch template retired version \$Default: InvalidLaunchTemplate(Id|Name)\./,
          ),
        ],
      ]);
    } finally {
      clients.destroy();
      await emu.stop();
    }
  });

  it('describeInstanceTypes feeds podFits: 1500m fits a 2-vCPU node, 2000m does not', async () => {
    const { emu, clients } = await startWorld(small);
    try {
      const types = await describeInstanceTypes(clients, ['t3.large', 'm5.xlarge']);
      expect(types[0]).toMatchObject({
        instanceType: 't3.large',
        vCpus: 2,
        memoryMiB: 8192,
        maxEnis: 3,
        ipv4PerEni: 12,
      });
      const fits = podFits({ requests: { cpu: '1500m' }, instanceTypes: types });
      expect(fits.map((f) => [f.instanceType, f.fits])).toEqual([
        ['t3.large', true],
        ['m5.xlarge', true],
      ]);
      const tooBig = podFits({ requests: { cpu: '2000m' }, instanceTypes: types });
      expect(tooBig.map((f) => [f.instanceType, f.fits])).toEqual([
        ['t3.large', false],
        ['m5.xlarge', true],
      ]);
      expect(tooBig[0]?.reasons[0]).toMatch(/1930m left/);
      await expect(describeInstanceTypes(clients, ['m5.huge'])).rejects.toThrow(/InvalidInstanceType/);
      await expect(describeInstanceTypes(clients, ['not a type'])).rejects.toThrow(/instanceTypes\[0\]/);
    } finally {
      clients.destroy();
      await emu.stop();
    }
  });
});
