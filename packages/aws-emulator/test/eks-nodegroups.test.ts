import {
  DescribeInstanceTypesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeNodegroupCommand,
  EKSClient,
  ListNodegroupsCommand,
  paginateListNodegroups,
} from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const world: World = {
  region: 'ap-northeast-1',
  eks: {
    clusters: [{ name: 'prod', version: '1.34' }, { name: 'dev' }],
    nodegroups: [
      {
        clusterName: 'prod',
        name: 'gpu',
        autoScalingGroup: 'eks-gpu-4ec6a1b2',
        labels: { role: 'gpu' },
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }],
        instanceTypes: ['g5.xlarge'],
        capacityType: 'SPOT',
        minSize: 0,
        maxSize: 4,
      },
      { clusterName: 'prod', name: 'general' },
      { clusterName: 'prod', name: 'batch' },
    ],
  },
  ec2: {
    instanceTypes: [
      {
        instanceType: 'g4dn.xlarge',
        vCpus: 4,
        memoryMiB: 16384,
        gpus: { count: 1, manufacturer: 'NVIDIA', name: 'T4', memoryMiB: 16384 },
      },
    ],
    launchTemplates: [
      {
        name: 'self-managed',
        instanceType: 'm5.large',
        userData: '#!/bin/bash\n/etc/eks/bootstrap.sh prod --kubelet-extra-args "--node-labels=team=a"\n',
        versions: [{ instanceType: 'm5.large' }],
      },
    ],
  },
};

let emu: Emulator;
let eks: EKSClient;
let ec2: EC2Client;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: world });
  eks = new EKSClient(clientConfig(emu));
  ec2 = new EC2Client(clientConfig(emu));
});
afterAll(async () => {
  eks.destroy();
  ec2.destroy();
  await emu.stop();
});

describe('EKS managed node groups', () => {
  it('DescribeNodegroup gives labels, taints, scaling, capacity type and the Auto Scaling group', async () => {
    const out = await eks.send(new DescribeNodegroupCommand({ clusterName: 'prod', nodegroupName: 'gpu' }));
    expect(out.nodegroup).toMatchObject({
      nodegroupName: 'gpu',
      clusterName: 'prod',
      version: '1.34',
      status: 'ACTIVE',
      capacityType: 'SPOT',
      labels: { role: 'gpu' },
      taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }],
      scalingConfig: { minSize: 0, maxSize: 4, desiredSize: 0 },
      instanceTypes: ['g5.xlarge'],
      resources: { autoScalingGroups: [{ name: 'eks-gpu-4ec6a1b2' }] },
    });
    expect(out.nodegroup?.nodegroupArn).toMatch(
      /^arn:aws:eks:ap-northeast-1:123456789012:nodegroup\/prod\/gpu\/[0-9a-f-]{36}$/,
    );
    const general = await eks.send(
      new DescribeNodegroupCommand({ clusterName: 'prod', nodegroupName: 'general' }),
    );
    expect(general.nodegroup?.resources?.autoScalingGroups?.[0]?.name).toMatch(/^eks-general-[0-9a-f-]{36}$/);
    expect(general.nodegroup?.taints).toBeUndefined();
  });

  it('answers ResourceNotFoundException for an unknown node group or cluster', async () => {
    const err = await failure(
      eks.send(new DescribeNodegroupCommand({ clusterName: 'prod', nodegroupName: 'nope' })),
    );
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toBe('No node group found for name: nope.');
    const cluster = await failure(eks.send(new ListNodegroupsCommand({ clusterName: 'nope' })));
    expect(cluster.name).toBe('ResourceNotFoundException');
  });

  it('ListNodegroups pages by maxResults and refuses out-of-range values', async () => {
    const names: string[] = [];
    for await (const page of paginateListNodegroups({ client: eks, pageSize: 2 }, { clusterName: 'prod' }))
      names.push(...(page.nodegroups ?? []));
    expect(names).toEqual(['batch', 'general', 'gpu']);
    const first = await eks.send(new ListNodegroupsCommand({ clusterName: 'prod', maxResults: 2 }));
    expect(first.nodegroups).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    expect((await eks.send(new ListNodegroupsCommand({ clusterName: 'dev' }))).nodegroups).toEqual([]);
    const bad = await failure(eks.send(new ListNodegroupsCommand({ clusterName: 'prod', maxResults: 101 })));
    expect(bad.name).toBe('InvalidParameterException');
  });
});

describe('launch template user data', () => {
  it('is served base64-encoded for the versions that have it', async () => {
    const out = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'self-managed', Versions: ['1', '2'] }),
    );
    const [v1, v2] = out.LaunchTemplateVersions ?? [];
    expect(Buffer.from(v1?.LaunchTemplateData?.UserData ?? '', 'base64').toString('utf8')).toContain(
      '--node-labels=team=a',
    );
    expect(v2?.LaunchTemplateData?.UserData).toBeUndefined();
  });
});

describe('instance types with GPUs', () => {
  it('serves GpuInfo for a world type with gpus, and none for the catalog types', async () => {
    const out = await ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: ['g4dn.xlarge', 'm5.large'] }),
    );
    const g4 = out.InstanceTypes?.find((t) => t.InstanceType === 'g4dn.xlarge');
    expect(g4?.GpuInfo).toEqual({
      Gpus: [{ Name: 'T4', Manufacturer: 'NVIDIA', Count: 1, MemoryInfo: { SizeInMiB: 16384 } }],
      TotalGpuMemoryInMiB: 16384,
    });
    expect(out.InstanceTypes?.find((t) => t.InstanceType === 'm5.large')?.GpuInfo).toBeUndefined();
  });
});
