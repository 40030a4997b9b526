import { describe, expect, it } from 'vitest';
import { describeInstanceTypes, findNodeGroups, podFits, resolveInstanceTypes } from '../src/index.js';
import { useWorld } from './helpers.js';

// Issue 17: a group with attribute-based instance selection (InstanceRequirements) is resolved as the
// autoscaler does, with GetInstanceTypesFromInstanceRequirements, not as its launch template's type.
const tags = { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/prod': 'owned' };
const requirements = { VCpuCount: { Min: 4, Max: 4 }, MemoryMiB: { Min: 16384 } };
const env = useWorld({
  ec2: {
    launchTemplates: [
      { name: 'abis', instanceType: 'm5.large' },
      { name: 'abis-arm', instanceType: 'm6g.large' },
    ],
  },
  autoscaling: {
    groups: [
      {
        name: 'abis-x86',
        tags,
        mixedInstancesPolicy: {
          launchTemplate: { name: 'abis' },
          overrides: [{ instanceRequirements: requirements }],
        },
      },
      {
        name: 'abis-arm',
        tags,
        mixedInstancesPolicy: {
          launchTemplate: { name: 'abis-arm' },
          overrides: [{ instanceRequirements: requirements }],
        },
      },
    ],
  },
});

describe('resolveInstanceTypes: InstanceRequirements', () => {
  it('answers the types EC2 resolves for the requirements, in the template type`s architecture', async () => {
    const groups = await resolveInstanceTypes(
      env.clients,
      await findNodeGroups(env.clients, { cluster: 'prod', select: { namePrefix: 'abis-' } }),
    );
    const byName = Object.fromEntries(groups.map((g) => [g.name, g]));
    expect(byName['abis-x86']).toMatchObject({
      instanceTypeSource: 'instance-requirements',
      instanceTypes: ['m5.xlarge', 'm6i.xlarge', 'm7i.xlarge', 'r5.xlarge', 'r6i.xlarge'],
    });
    expect(byName['abis-arm']?.instanceTypes).toEqual(['m6g.xlarge']);
    expect(byName['abis-x86']?.instanceTypes).not.toContain('m5.large'); // not the template's type
    expect(env.emu.calls({ operation: 'GetInstanceTypesFromInstanceRequirements' })).toHaveLength(2);
  });

  it('a 3-vCPU pod fits the resolved types, where the template type (2 vCPU) would say it does not', async () => {
    const groups = await resolveInstanceTypes(
      env.clients,
      await findNodeGroups(env.clients, { cluster: 'prod', select: { namePrefix: 'abis-' } }),
    );
    const names = groups.find((g) => g.name === 'abis-x86')?.instanceTypes ?? [];
    const results = podFits({
      requests: { cpu: '3' },
      instanceTypes: await describeInstanceTypes(env.clients, names),
    });
    expect(results.every((r) => r.fits)).toBe(true);
  });
});

describe('resolveInstanceTypes: InstanceRequirements without a template instance type', () => {
  const bare = useWorld({
    ec2: { launchTemplates: [{ name: 'no-type', instanceType: '' }] },
    autoscaling: {
      groups: [
        {
          name: 'abis-bare',
          tags,
          mixedInstancesPolicy: {
            launchTemplate: { name: 'no-type' },
            overrides: [{ instanceRequirements: requirements }],
          },
        },
      ],
    },
  });
  it('says it cannot resolve and why, instead of naming a type', async () => {
    const [group] = await resolveInstanceTypes(
      bare.clients,
      await findNodeGroups(bare.clients, { cluster: 'prod', select: { namePrefix: 'abis-' } }),
    );
    expect(group?.instanceTypes).toEqual([]);
    expect(group?.instanceTypesUnresolved).toMatch(
      /cannot resolve the InstanceRequirements: the launch template no-type names no instance type/,
    );
  });
});
