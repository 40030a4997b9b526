import {
  type _InstanceType,
  DescribeInstanceTypesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  paginateDescribeInstanceTypes,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const world: World = {
  region: 'ap-northeast-1',
  ec2: {
    launchTemplates: [
      { name: 'workers', instanceType: 't3.large', versions: [{ instanceType: 'm5.large' }] },
      { name: 'gpu', instanceType: 'g5.xlarge', id: 'lt-0123456789abcdef0' },
    ],
    instanceTypes: [{ instanceType: 'g5.xlarge', vCpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15 }],
  },
};

let emu: Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: world });
  ec2 = new EC2Client(clientConfig(emu));
});
afterAll(async () => {
  ec2.destroy();
  await emu.stop();
});

describe('DescribeInstanceTypes', () => {
  it('gives vCPU, memory and ENI limits of common types', async () => {
    const out = await ec2.send(
      new DescribeInstanceTypesCommand({
        InstanceTypes: [
          'm5.large',
          't3.large',
          'c6i.4xlarge',
          'r6i.xlarge',
          'm6g.2xlarge',
          't4g.medium',
          'm7i.large',
          't3a.xlarge',
          'c5.2xlarge',
          'r5.large',
          'm6i.4xlarge',
        ],
      }),
    );
    const by = Object.fromEntries((out.InstanceTypes ?? []).map((t) => [t.InstanceType, t]));
    expect(by['m5.large']).toMatchObject({
      VCpuInfo: { DefaultVCpus: 2 },
      MemoryInfo: { SizeInMiB: 8192 },
      NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 10 },
      ProcessorInfo: { SupportedArchitectures: ['x86_64'] },
    });
    expect(by['t3.large']?.NetworkInfo?.Ipv4AddressesPerInterface).toBe(12);
    expect(by['c6i.4xlarge']?.MemoryInfo?.SizeInMiB).toBe(32768);
    expect(by['r6i.xlarge']?.MemoryInfo?.SizeInMiB).toBe(32768);
    expect(by['m6g.2xlarge']?.ProcessorInfo?.SupportedArchitectures).toEqual(['arm64']);
    // Graviton: one thread per core; Intel/AMD: two
    expect(by['m6g.2xlarge']?.VCpuInfo).toMatchObject({
      DefaultVCpus: 8,
      DefaultCores: 8,
      DefaultThreadsPerCore: 1,
    });
    expect(by['t4g.medium']?.VCpuInfo).toMatchObject({
      DefaultVCpus: 2,
      DefaultCores: 2,
      DefaultThreadsPerCore: 1,
    });
    expect(by['m5.large']?.VCpuInfo).toMatchObject({ DefaultCores: 1, DefaultThreadsPerCore: 2 });
    expect(Object.keys(by)).toHaveLength(11);
  });

  it('refuses unknown types with InvalidInstanceType', async () => {
    const err = await failure(
      ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.huge' as _InstanceType] })),
    );
    expect(err.name).toBe('InvalidInstanceType');
    expect(err.message).toMatch(/m5\.huge/);
  });

  it('pages the catalog and filters', async () => {
    let total = 0;
    let pages = 0;
    for await (const page of paginateDescribeInstanceTypes({ client: ec2, pageSize: 20 }, {})) {
      total += page.InstanceTypes?.length ?? 0;
      pages++;
    }
    expect(total).toBeGreaterThan(60);
    expect(pages).toBeGreaterThan(3);
    const arm = await ec2.send(
      new DescribeInstanceTypesCommand({ Filters: [{ Name: 'instance-type', Values: ['t4g.*'] }] }),
    );
    expect(arm.InstanceTypes?.every((t) => t.InstanceType?.startsWith('t4g.'))).toBe(true);
  });
});

describe('launch templates', () => {
  it('DescribeLaunchTemplates by name', async () => {
    const out = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['workers'] }));
    expect(out.LaunchTemplates?.[0]).toMatchObject({
      LaunchTemplateName: 'workers',
      DefaultVersionNumber: 1,
      LatestVersionNumber: 2,
    });
    const err = await failure(
      ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['nope'] })),
    );
    expect(err.name).toBe('InvalidLaunchTemplateName.NotFoundException');
  });

  it('resolves $Default, $Latest and numbers of one template', async () => {
    const out = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateName: 'workers',
        Versions: ['$Default', '$Latest'],
      }),
    );
    expect(
      out.LaunchTemplateVersions?.map((v) => [
        v.VersionNumber,
        v.DefaultVersion,
        v.LaunchTemplateData?.InstanceType,
      ]),
    ).toEqual([
      [1, true, 't3.large'],
      [2, false, 'm5.large'],
    ]);
    const byId = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: 'lt-0123456789abcdef0',
        Versions: ['1'],
      }),
    );
    expect(byId.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.InstanceType).toBe('g5.xlarge');
    const missing = await failure(
      ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'workers', Versions: ['9'] })),
    );
    expect(missing.name).toBe('InvalidLaunchTemplateId.VersionNotFound');
  });

  it('describes $Latest of every template when none is named', async () => {
    const out = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Latest'] }));
    expect(
      out.LaunchTemplateVersions?.map((v) => [v.LaunchTemplateName, v.LaunchTemplateData?.InstanceType]),
    ).toEqual([
      ['gpu', 'g5.xlarge'],
      ['workers', 'm5.large'],
    ]);
    const err = await failure(ec2.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['1'] })));
    expect(err.name).toBe('MissingParameter');
  });
});
