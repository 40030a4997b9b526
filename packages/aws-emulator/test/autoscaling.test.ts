import {
  AutoScalingClient,
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLaunchConfigurationsCommand,
  DescribeTagsCommand,
  paginateDescribeAutoScalingGroups,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const world: World = {
  region: 'ap-northeast-1',
  ec2: { launchTemplates: [{ name: 'workers', instanceType: 't3.large' }] },
  autoscaling: {
    launchConfigurations: [{ name: 'legacy-lc', instanceType: 'm5.xlarge' }],
    groups: [
      {
        name: 'workers-a',
        minSize: 1,
        maxSize: 4,
        desiredCapacity: 2,
        launchTemplate: { name: 'workers', version: '$Latest' },
        tags: { 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/prod': 'owned' },
      },
      {
        name: 'workers-b',
        minSize: 0,
        maxSize: 3,
        mixedInstancesPolicy: {
          launchTemplate: { name: 'workers' },
          overrides: [{ instanceType: 'm5.large' }, { instanceType: 'm6i.large' }],
        },
        tags: [
          { key: 'k8s.io/cluster-autoscaler/enabled', value: '1', propagateAtLaunch: true },
          { key: 'team', value: 'web' },
        ],
      },
      { name: 'legacy', minSize: 1, maxSize: 1, launchConfigurationName: 'legacy-lc', tags: { team: 'web' } },
    ],
    generate: { count: 250, prefix: 'gen', tags: { 'k8s.io/cluster-autoscaler/enabled': 'true' } },
  },
};

let emu: Emulator;
let asg: AutoScalingClient;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: world });
  asg = new AutoScalingClient(clientConfig(emu));
});
afterAll(async () => {
  asg.destroy();
  await emu.stop();
});
beforeEach(() => {
  emu.seed(world);
  emu.resetCalls();
});

describe('DescribeAutoScalingGroups', () => {
  it('describes launch template, mixed instances policy, launch configuration, instances and tags', async () => {
    const out = await asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['workers-a', 'workers-b', 'legacy'] }),
    );
    const byName = Object.fromEntries((out.AutoScalingGroups ?? []).map((g) => [g.AutoScalingGroupName, g]));
    const a = byName['workers-a']!;
    expect(a.LaunchTemplate).toMatchObject({ LaunchTemplateName: 'workers', Version: '$Latest' });
    expect(a.LaunchTemplate?.LaunchTemplateId).toMatch(/^lt-[0-9a-f]{17}$/);
    expect(a).toMatchObject({ MinSize: 1, MaxSize: 4, DesiredCapacity: 2 });
    expect(a.Instances).toHaveLength(2);
    expect(a.Instances?.[0]).toMatchObject({ InstanceType: 't3.large', LifecycleState: 'InService' });
    expect(a.AutoScalingGroupARN).toMatch(
      /^arn:aws:autoscaling:ap-northeast-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/workers-a$/,
    );
    const b = byName['workers-b']!;
    expect(
      b.MixedInstancesPolicy?.LaunchTemplate?.Overrides?.map(
        (o: { InstanceType?: string }) => o.InstanceType,
      ),
    ).toEqual(['m5.large', 'm6i.large']);
    expect(b.Tags).toContainEqual(
      expect.objectContaining({
        Key: 'k8s.io/cluster-autoscaler/enabled',
        Value: '1',
        PropagateAtLaunch: true,
      }),
    );
    expect(byName.legacy?.LaunchConfigurationName).toBe('legacy-lc');
  });

  it('filters by tag-key, tag-value and tag:<key>: values OR, filters AND', async () => {
    const names = async (Filters: Array<{ Name: string; Values: string[] }>) => {
      const out: string[] = [];
      for await (const page of paginateDescribeAutoScalingGroups({ client: asg, pageSize: 100 }, { Filters }))
        for (const g of page.AutoScalingGroups ?? []) out.push(g.AutoScalingGroupName!);
      return out;
    };
    expect(await names([{ Name: 'tag-key', Values: ['k8s.io/cluster-autoscaler/prod'] }])).toEqual([
      'workers-a',
    ]);
    expect(await names([{ Name: 'tag:team', Values: ['web'] }])).toEqual(['legacy', 'workers-b']);
    expect(await names([{ Name: 'tag-value', Values: ['owned', '1'] }])).toEqual(['workers-a', 'workers-b']);
    expect(
      await names([
        { Name: 'tag-key', Values: ['k8s.io/cluster-autoscaler/enabled'] },
        { Name: 'tag:team', Values: ['web', 'api'] },
      ]),
    ).toEqual(['workers-b']);
    expect(await names([{ Name: 'tag:k8s.io/cluster-autoscaler/enabled', Values: ['true'] }])).toHaveLength(
      251,
    );
  });

  it('pages with NextToken, at most 100 per page', async () => {
    const first = await asg.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 100 }));
    expect(first.AutoScalingGroups).toHaveLength(100);
    expect(first.NextToken).toBeDefined();
    let total = 0;
    for await (const page of paginateDescribeAutoScalingGroups({ client: asg, pageSize: 100 }, {}))
      total += page.AutoScalingGroups?.length ?? 0;
    expect(total).toBe(253);
  });

  it('leaves the instances out with IncludeInstances=false (default true)', async () => {
    const names = { AutoScalingGroupNames: ['workers-a'] };
    const all = await asg.send(new DescribeAutoScalingGroupsCommand(names));
    expect(all.AutoScalingGroups?.[0]?.Instances).toHaveLength(2);
    const none = await asg.send(new DescribeAutoScalingGroupsCommand({ ...names, IncludeInstances: false }));
    expect(none.AutoScalingGroups?.[0]?.Instances ?? []).toEqual([]);
    expect(none.AutoScalingGroups?.[0]?.Tags).toEqual(all.AutoScalingGroups?.[0]?.Tags);
    expect(
      emu.calls({ operation: 'DescribeAutoScalingGroups' }).map((c) => c.input.IncludeInstances),
    ).toEqual([undefined, 'false']);
  });

  it('refuses MaxRecords above 100 with a ValidationError', async () => {
    const err = await failure(asg.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })));
    expect(err.name).toBe('ValidationError');
    expect(err.message).toMatch(/maxRecords.*less than or equal to 100/);
  });
});

describe('tags', () => {
  it('creates, updates and deletes tags; DescribeTags filters them', async () => {
    await asg.send(
      new CreateOrUpdateTagsCommand({
        Tags: [
          {
            ResourceId: 'workers-b',
            ResourceType: 'auto-scaling-group',
            Key: 'k8s.io/cluster-autoscaler/enabled',
            Value: 'true',
            PropagateAtLaunch: false,
          },
          {
            ResourceId: 'legacy',
            ResourceType: 'auto-scaling-group',
            Key: 'k8s.io/cluster-autoscaler/prod',
            Value: 'owned',
            PropagateAtLaunch: false,
          },
        ],
      }),
    );
    const tags = await asg.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: 'key', Values: ['k8s.io/cluster-autoscaler/enabled'] },
          { Name: 'auto-scaling-group', Values: ['workers-b'] },
        ],
      }),
    );
    expect(tags.Tags).toEqual([
      {
        ResourceId: 'workers-b',
        ResourceType: 'auto-scaling-group',
        Key: 'k8s.io/cluster-autoscaler/enabled',
        Value: 'true',
        PropagateAtLaunch: false,
      },
    ]);
    await asg.send(
      new DeleteTagsCommand({
        Tags: [{ ResourceId: 'legacy', ResourceType: 'auto-scaling-group', Key: 'team' }],
      }),
    );
    const legacy = await asg.send(
      new DescribeTagsCommand({ Filters: [{ Name: 'auto-scaling-group', Values: ['legacy'] }] }),
    );
    expect(legacy.Tags?.map((t) => t.Key)).toEqual(['k8s.io/cluster-autoscaler/prod']);
    // the index follows: tag:team no longer finds legacy
    const out = await asg.send(
      new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:team', Values: ['web'] }] }),
    );
    expect(out.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['workers-b']);
    expect(emu.calls({ mutating: true }).map((c) => c.operation)).toEqual([
      'CreateOrUpdateTags',
      'DeleteTags',
    ]);
  });

  it('DescribeTags pages (default 50)', async () => {
    const first = await asg.send(new DescribeTagsCommand({}));
    expect(first.Tags).toHaveLength(50);
    expect(first.NextToken).toBeDefined();
  });

  it('refuses tags on an unknown group, all or nothing', async () => {
    const err = await failure(
      asg.send(
        new CreateOrUpdateTagsCommand({
          Tags: [
            { ResourceId: 'workers-a', ResourceType: 'auto-scaling-group', Key: 'x', Value: '1' },
            { ResourceId: 'nope', ResourceType: 'auto-scaling-group', Key: 'x', Value: '1' },
          ],
        }),
      ),
    );
    expect(err.name).toBe('ValidationError');
    expect(err.message).toBe('AutoScalingGroup not found - AutoScaling Group nope not found'); // cloud-custodian#380
    const a = await asg.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['x'] }] }));
    expect(a.Tags).toEqual([]);
  });

  it("names the failing member of Tags with its 1-based index ('tags.2.member.key', fog/fog-aws#125)", async () => {
    const err = await failure(
      asg.send(
        new CreateOrUpdateTagsCommand({
          Tags: [
            { ResourceId: 'workers-a', ResourceType: 'auto-scaling-group', Key: 'ok', Value: '1' },
            { ResourceId: 'workers-a', ResourceType: 'auto-scaling-group', Key: 'k'.repeat(129), Value: '1' },
          ],
        }),
      ),
    );
    expect(err.message).toMatch(
      /at 'tags\.2\.member\.key' failed to satisfy constraint: Member must have length/,
    );
  });

  it('changing one tag keeps the group under tag-value filters for the values its other tags still have', async () => {
    const tag = (Key: string, Value: string) => ({
      ResourceId: 'legacy',
      ResourceType: 'auto-scaling-group',
      Key,
      Value,
      PropagateAtLaunch: false,
    });
    await asg.send(new CreateOrUpdateTagsCommand({ Tags: [tag('a', 'same'), tag('b', 'same')] }));
    await asg.send(new CreateOrUpdateTagsCommand({ Tags: [tag('a', 'other')] }));
    const byValue = async (value: string) =>
      (
        await asg.send(
          new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag-value', Values: [value] }] }),
        )
      ).AutoScalingGroups?.map((g) => g.AutoScalingGroupName);
    expect(await byValue('same')).toEqual(['legacy']);
    expect(await byValue('other')).toEqual(['legacy']);
  });

  it('refuses more than 50 tags per group', async () => {
    const Tags = Array.from({ length: 49 }, (_, i) => ({
      ResourceId: 'workers-a',
      ResourceType: 'auto-scaling-group',
      Key: `k${i}`,
      Value: 'v',
    }));
    const err = await failure(asg.send(new CreateOrUpdateTagsCommand({ Tags })));
    expect(err.name).toBe('LimitExceededFault'); // the SDK's name for the LimitExceeded code
  });
});

describe('capacity', () => {
  it('SetDesiredCapacity moves instances and refuses values outside min/max with AWS messages', async () => {
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers-a', DesiredCapacity: 4 }));
    const out = await asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['workers-a'] }),
    );
    expect(out.AutoScalingGroups?.[0]?.Instances).toHaveLength(4);
    const above = await failure(
      asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers-a', DesiredCapacity: 5 })),
    );
    expect(above.name).toBe('ValidationError');
    expect(above.message).toBe(
      'New SetDesiredCapacity value 5 is above max value 4 for the AutoScalingGroup.',
    );
    const below = await failure(
      asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers-a', DesiredCapacity: 0 })),
    );
    expect(below.message).toBe(
      'New SetDesiredCapacity value 0 is below min value 1 for the AutoScalingGroup.',
    );
  });

  it('UpdateAutoScalingGroup checks bounds', async () => {
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'workers-a', MaxSize: 8 }));
    const err = await failure(
      asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'workers-a', DesiredCapacity: 9 })),
    );
    expect(err.message).toBe('Desired capacity:9 must be between the specified min size:1 and max size:8');
    const out = await asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['workers-a'] }),
    );
    expect(out.AutoScalingGroups?.[0]?.MaxSize).toBe(8);
  });

  it('DescribeAutoScalingInstances and TerminateInstanceInAutoScalingGroup', async () => {
    const out = await asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['workers-a'] }),
    );
    const id = out.AutoScalingGroups?.[0]?.Instances?.[0]?.InstanceId ?? '';
    const inst = await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [id] }));
    expect(inst.AutoScalingInstances?.[0]).toMatchObject({
      LifecycleState: 'InService',
      HealthStatus: 'HEALTHY',
      InstanceId: id,
      AutoScalingGroupName: 'workers-a',
      InstanceType: 't3.large',
    });
    const term = await asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: id,
        ShouldDecrementDesiredCapacity: true,
      }),
    );
    expect(term.Activity?.Description).toBe(`Terminating EC2 instance: ${id}`);
    expect(term.Activity?.Cause).toMatch(/shrinking the capacity from 2 to 1/);
    const again = await failure(
      asg.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: id,
          ShouldDecrementDesiredCapacity: true,
        }),
      ),
    );
    expect(again.name).toBe('ValidationError');
    // desired is now 1 = min: terminating with decrement is refused in AWS's words
    const other = (
      await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['workers-a'] }))
    ).AutoScalingGroups?.[0]?.Instances?.[0]?.InstanceId;
    const atMin = await failure(
      asg.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: other,
          ShouldDecrementDesiredCapacity: true,
        }),
      ),
    );
    expect(atMin.message).toBe(
      "Currently, desiredSize equals minSize (1). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.",
    );
  });

  it('DescribeLaunchConfigurations', async () => {
    const out = await asg.send(
      new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: ['legacy-lc'] }),
    );
    expect(out.LaunchConfigurations?.[0]).toMatchObject({
      LaunchConfigurationName: 'legacy-lc',
      InstanceType: 'm5.xlarge',
    });
  });
});

describe('AccessDenied from the world identities', () => {
  it('refuses SetDesiredCapacity to a caller denied it', async () => {
    emu.seed({
      ...world,
      identities: {
        AKIDDENIED: { arn: 'arn:aws:iam::123456789012:user/ca', deny: ['autoscaling:SetDesiredCapacity'] },
      },
    });
    const denied = new AutoScalingClient(clientConfig(emu, { accessKeyId: 'AKIDDENIED' }));
    const err = await failure(
      denied.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers-a', DesiredCapacity: 3 })),
    );
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toMatch(/not authorized to perform: autoscaling:SetDesiredCapacity/);
    denied.destroy();
  });
});
