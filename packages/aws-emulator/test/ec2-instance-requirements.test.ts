import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { EC2Client, GetInstanceTypesFromInstanceRequirementsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

// Issue 17: groups with attribute-based instance selection; the autoscaler resolves their types with
// GetInstanceTypesFromInstanceRequirements (cloudprovider/aws/aws_wrapper.go).
describe('EC2 GetInstanceTypesFromInstanceRequirements and ASG InstanceRequirements overrides', () => {
  let emu: Emulator;
  let ec2: EC2Client;
  let asg: AutoScalingClient;
  beforeAll(async () => {
    emu = await startTestEmulator({
      seed: {
        ec2: { launchTemplates: [{ name: 'abis', instanceType: 'm5.large' }] },
        autoscaling: {
          groups: [
            {
              name: 'abis-workers',
              mixedInstancesPolicy: {
                launchTemplate: { name: 'abis' },
                overrides: [
                  { instanceRequirements: { VCpuCount: { Min: 4, Max: 4 }, MemoryMiB: { Min: 16384 } } },
                ],
              },
            },
          ],
        },
      },
    });
    ec2 = new EC2Client(clientConfig(emu));
    asg = new AutoScalingClient(clientConfig(emu));
  });
  afterAll(() => emu.stop());

  it('answers the catalog types that meet the requirements, burstable excluded by default', async () => {
    const out = await ec2.send(
      new GetInstanceTypesFromInstanceRequirementsCommand({
        ArchitectureTypes: ['x86_64'],
        VirtualizationTypes: ['hvm'],
        InstanceRequirements: { VCpuCount: { Min: 4, Max: 4 }, MemoryMiB: { Min: 16384 } },
      }),
    );
    const names = (out.InstanceTypes ?? []).map((t) => t.InstanceType);
    expect(names).toEqual(['m5.xlarge', 'm6i.xlarge', 'm7i.xlarge', 'r5.xlarge', 'r6i.xlarge']);
    const withBurstable = await ec2.send(
      new GetInstanceTypesFromInstanceRequirementsCommand({
        ArchitectureTypes: ['arm64'],
        VirtualizationTypes: ['hvm'],
        InstanceRequirements: {
          VCpuCount: { Min: 4, Max: 4 },
          MemoryMiB: { Min: 16384 },
          BurstablePerformance: 'included',
          ExcludedInstanceTypes: ['m6g.*'],
        },
      }),
    );
    expect((withBurstable.InstanceTypes ?? []).map((t) => t.InstanceType)).toEqual(['t4g.xlarge']);
  });

  it('requires the architecture and the vCPU and memory minimums', async () => {
    const error = await failure(
      ec2.send(
        new GetInstanceTypesFromInstanceRequirementsCommand({
          ArchitectureTypes: ['x86_64'],
          VirtualizationTypes: ['hvm'],
          InstanceRequirements: { VCpuCount: { Min: 2 }, MemoryMiB: undefined as never },
        }),
      ),
    );
    expect(error.name).toBe('MissingParameter');
  });

  it('DescribeAutoScalingGroups answers the InstanceRequirements override, with no InstanceType', async () => {
    const out = await asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['abis-workers'] }),
    );
    const overrides = out.AutoScalingGroups?.[0]?.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? [];
    expect(overrides).toHaveLength(1);
    expect(overrides[0]?.InstanceType).toBeUndefined();
    expect(overrides[0]?.InstanceRequirements).toMatchObject({
      VCpuCount: { Min: 4, Max: 4 },
      MemoryMiB: { Min: 16384 },
    });
  });
});
