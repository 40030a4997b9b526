import { DeleteTagsCommand } from '@aws-sdk/client-auto-scaling';
import type { World } from '@eks-kit/aws-emulator';
import { type EksKitError, InvalidInputError, renderChanges } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { clusterAutoscalerPolicy, discoverNodeGroups, ensureAutoDiscoveryTags } from '../src/index.js';
import { mutations, REGION, useWorld } from './helpers.js';
import { allowsOnTaggedResource } from './support-tag-condition.js';

const world: World = {
  region: REGION,
  ec2: { launchTemplates: [{ name: 'workers', instanceType: 't3.large' }] },
  autoscaling: {
    groups: [
      // EKS managed node groups carry these tags.
      {
        name: 'eks-workers-2a',
        minSize: 1,
        maxSize: 8,
        desiredCapacity: 2,
        launchTemplate: { name: 'workers' },
        tags: { 'eks:cluster-name': 'prod', 'kubernetes.io/cluster/prod': 'owned' },
      },
      // A kops-style group: enabled=1 (the seed's case), propagated to instances.
      {
        name: 'eks-workers-2c',
        minSize: 1,
        maxSize: 8,
        launchTemplate: { name: 'workers' },
        tags: [
          { key: 'kubernetes.io/cluster/prod', value: 'owned', propagateAtLaunch: true },
          { key: 'k8s.io/cluster-autoscaler/enabled', value: '1', propagateAtLaunch: true },
          { key: 'k8s.io/cluster-autoscaler/prod', value: 'owned' },
        ],
      },
      {
        name: 'eks-gpu',
        minSize: 0,
        maxSize: 2,
        launchTemplate: { name: 'workers' },
        tags: { 'eks:cluster-name': 'prod' },
      },
      { name: 'staging-workers', minSize: 1, maxSize: 3, tags: { 'eks:cluster-name': 'staging' } },
    ],
  },
};

const env = useWorld(world);

const input = {
  cluster: 'prod',
  nodeTemplates: { 'eks-gpu': { labels: { role: 'gpu' }, taints: { dedicated: 'gpu:NoSchedule' } } },
};

describe('ensureAutoDiscoveryTags', () => {
  it('tags the groups of the cluster once, in one batched call', async () => {
    const result = await ensureAutoDiscoveryTags(env.clients, input);
    expect(result.groups).toEqual(['eks-gpu', 'eks-workers-2a', 'eks-workers-2c']);
    expect(result.changes.map((c) => c.resource)).toEqual([
      'autoscaling group eks-gpu',
      'autoscaling group eks-workers-2a',
      'autoscaling group eks-workers-2c',
    ]);
    expect(mutations(env.emu)).toEqual(['autoscaling:CreateOrUpdateTags']);
    const groups = await discoverNodeGroups(env.clients, { cluster: 'prod' });
    expect(groups.map((g) => g.name)).toEqual(['eks-gpu', 'eks-workers-2a', 'eks-workers-2c']);
    const gpu = groups.find((g) => g.name === 'eks-gpu')!;
    expect(gpu.tags).toMatchObject({
      'k8s.io/cluster-autoscaler/enabled': 'true',
      'k8s.io/cluster-autoscaler/prod': 'owned',
      'k8s.io/cluster-autoscaler/node-template/label/role': 'gpu',
      'k8s.io/cluster-autoscaler/node-template/taint/dedicated': 'gpu:NoSchedule',
    });
    expect(gpu.propagatedTagKeys).toEqual([]);
  });

  it("fixes kops' enabled=1 to true, says so, and keeps the group's PropagateAtLaunch", async () => {
    const { changes } = await ensureAutoDiscoveryTags(env.clients, {
      cluster: 'prod',
      select: { names: ['eks-workers-2c'] },
    });
    expect(changes).toHaveLength(1);
    expect(changes[0]?.summary).toMatch(/fix k8s\.io\/cluster-autoscaler\/enabled: "1" -> "true"/);
    expect(changes[0]?.summary).toMatch(/IAM condition/);
    expect(changes[0]?.before).toEqual({ 'k8s.io/cluster-autoscaler/enabled': '1' });
    const [group] = await discoverNodeGroups(env.clients, { cluster: 'prod' }).then((g) =>
      g.filter((x) => x.name === 'eks-workers-2c'),
    );
    expect(group?.tags['k8s.io/cluster-autoscaler/enabled']).toBe('true');
    expect(group?.propagatedTagKeys).toContain('k8s.io/cluster-autoscaler/enabled');
  });

  it('the tags it writes are the ones the IAM tag condition of clusterAutoscalerPolicy accepts (before: refused)', async () => {
    const policy = clusterAutoscalerPolicy({ cluster: 'prod' });
    const allowed = async () =>
      Object.fromEntries(
        (await discoverNodeGroups(env.clients, { cluster: 'prod', resolveInstanceTypes: false })).map((g) => [
          g.name,
          allowsOnTaggedResource(policy, 'autoscaling:SetDesiredCapacity', g.arn, g.tags),
        ]),
      );
    expect(await allowed()).toEqual({ 'eks-workers-2c': false }); // kops' enabled=1: discovered, refused
    await ensureAutoDiscoveryTags(env.clients, input);
    expect(await allowed()).toEqual({ 'eks-gpu': true, 'eks-workers-2a': true, 'eks-workers-2c': true });
  });

  it('second run: no changes and no mutating call', async () => {
    await ensureAutoDiscoveryTags(env.clients, input);
    env.emu.resetCalls();
    const again = await ensureAutoDiscoveryTags(env.clients, input);
    expect(again.changes).toEqual([]);
    expect(mutations(env.emu)).toEqual([]);
    expect(renderChanges(again.changes)).toMatch(/No changes/);
  });

  it('dry run returns the same changes and mutates nothing', async () => {
    const dry = await ensureAutoDiscoveryTags(env.clients, input, { dryRun: true });
    expect(mutations(env.emu)).toEqual([]);
    const real = await ensureAutoDiscoveryTags(env.clients, input);
    expect(real.changes).toEqual(dry.changes);
  });

  it('a group whose only missing tag is eks-kit:stack: one change, naming the tag to set (issue 21)', async () => {
    const select = { names: ['eks-workers-2a'] };
    await ensureAutoDiscoveryTags(env.clients, { cluster: 'prod', select, stack: 'prod' }, { adopt: true });
    // Its eks-kit:stack tag removed by hand (aws autoscaling delete-tags): every other tag is right.
    const asg = await env.clients.autoScaling();
    await asg.send(
      new DeleteTagsCommand({
        Tags: [{ ResourceId: 'eks-workers-2a', ResourceType: 'auto-scaling-group', Key: 'eks-kit:stack' }],
      }),
    );
    for (const dryRun of [true, false]) {
      const { changes } = await ensureAutoDiscoveryTags(
        env.clients,
        { cluster: 'prod', select, stack: 'prod' },
        { adopt: true, dryRun },
      );
      expect(changes).toHaveLength(1);
      expect(changes[0]?.summary).toMatch(/^adopt: .*add eks-kit:stack=prod/);
      expect(renderChanges(changes)).not.toMatch(/~ *\n|~ $/);
    }
    const again = await ensureAutoDiscoveryTags(env.clients, { cluster: 'prod', select, stack: 'prod' });
    expect(again.changes).toEqual([]);
  });

  it('selects by name prefix and, adopting the hand-made groups, adds the stack tag on the group only', async () => {
    const { changes, groups } = await ensureAutoDiscoveryTags(
      env.clients,
      { cluster: 'prod', select: { namePrefix: 'eks-workers-' }, stack: 'prod' },
      { adopt: true },
    );
    expect(groups).toEqual(['eks-workers-2a', 'eks-workers-2c']);
    expect(changes[0]?.summary).toMatch(/^adopt: .*add eks-kit:stack=prod/);
    expect(changes[1]?.after).toMatchObject({ 'eks-kit:stack': 'prod' });
    const tagged = env.emu.calls({ operation: 'CreateOrUpdateTags' });
    expect(tagged).toHaveLength(1);
    const state = env.emu.state.autoscaling as {
      groups: Map<string, { tags: Map<string, { value: string; propagateAtLaunch: boolean }> }>;
    };
    for (const name of groups)
      expect(state.groups.get(name)?.tags.get('eks-kit:stack')).toMatchObject({
        value: 'prod',
        propagateAtLaunch: false,
      });
    // owned now: a rerun without adopt changes nothing
    env.emu.resetCalls();
    const again = await ensureAutoDiscoveryTags(env.clients, {
      cluster: 'prod',
      select: { namePrefix: 'eks-workers-' },
      stack: 'prod',
    });
    expect(again.changes).toEqual([]);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('refuses hand-made groups without adopt, before any write, naming the tag and the way to adopt', async () => {
    const error = await ensureAutoDiscoveryTags(env.clients, { cluster: 'prod', stack: 'prod' }).catch(
      (e: unknown) => e,
    );
    expect((error as EksKitError).code).toBe('NotOwnedByStack');
    expect((error as EksKitError).message).toMatch(
      /^autoscaling group eks-gpu exists without the tag eks-kit:stack/,
    );
    expect((error as EksKitError).hint).toMatch(/apply --adopt/);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('never tags a group another stack owns, even with adopt: nothing written to any group', async () => {
    await ensureAutoDiscoveryTags(
      env.clients,
      { cluster: 'prod', select: { names: ['eks-workers-2c'] }, stack: 'other' },
      { adopt: true },
    );
    env.emu.resetCalls();
    const error = await ensureAutoDiscoveryTags(
      env.clients,
      { cluster: 'prod', stack: 'prod' },
      { adopt: true },
    ).catch((e: unknown) => e);
    expect((error as EksKitError).code).toBe('OwnedByAnotherStack');
    expect((error as EksKitError).message).toContain(
      'autoscaling group eks-workers-2c belongs to stack other',
    );
    expect(mutations(env.emu)).toEqual([]);
  });

  it('refuses a group the autoscaler tags would take past the 50-tag quota, before any write', async () => {
    const asg = await env.clients.autoScaling();
    const { CreateOrUpdateTagsCommand } = await import('@aws-sdk/client-auto-scaling');
    await asg.send(
      new CreateOrUpdateTagsCommand({
        Tags: Array.from({ length: 49 }, (_, i) => ({
          ResourceId: 'eks-gpu',
          ResourceType: 'auto-scaling-group',
          Key: `team/k${i}`,
          Value: 'x',
          PropagateAtLaunch: false,
        })),
      }),
    );
    env.emu.resetCalls();
    const error = await ensureAutoDiscoveryTags(env.clients, input).catch((e: unknown) => e);
    expect((error as EksKitError).code).toBe('TooManyTags');
    expect((error as EksKitError).message).toMatch(/^autoscaling group eks-gpu would carry \d+ tags/);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('fails clearly on names that do not exist, before any mutation', async () => {
    await expect(
      ensureAutoDiscoveryTags(env.clients, {
        cluster: 'prod',
        select: { names: ['eks-workers-2a', 'nope'] },
      }),
    ).rejects.toThrow(/no Auto Scaling group named nope/);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('refuses bad input naming the field, before any AWS call', async () => {
    await expect(ensureAutoDiscoveryTags(env.clients, { cluster: 'bad name' })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(
      ensureAutoDiscoveryTags(env.clients, {
        cluster: 'prod',
        nodeTemplates: { 'eks-gpu': { taints: { dedicated: 'gpu' } } },
      }),
    ).rejects.toThrow(/nodeTemplates\.eks-gpu\.taints\.dedicated/);
    await expect(
      ensureAutoDiscoveryTags(env.clients, { cluster: 'prod', select: { names: [] } }),
    ).rejects.toThrow(/select\.names/);
    // Own keys only (issue 15): a __proto__ group or label is refused, not dropped.
    await expect(
      ensureAutoDiscoveryTags(env.clients, {
        cluster: 'prod',
        nodeTemplates: JSON.parse('{"__proto__":{"labels":{"role":"gpu"}}}'),
      }),
    ).rejects.toThrow(/^nodeTemplates\.__proto__: /);
    await expect(
      ensureAutoDiscoveryTags(env.clients, {
        cluster: 'prod',
        nodeTemplates: { 'eks-gpu': { labels: JSON.parse('{"__proto__":"gpu"}') } },
      }),
    ).rejects.toThrow(/^nodeTemplates\.eks-gpu\.labels\.__proto__: /);
    expect(env.emu.calls()).toEqual([]);
  });

  it('survives throttling: the SDK retries and the run converges', async () => {
    env.emu.setFaults([
      { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', kind: 'throttle', count: 2 },
      { service: 'autoscaling', operation: 'CreateOrUpdateTags', kind: 'throttle', count: 1 },
    ]);
    try {
      const { changes } = await ensureAutoDiscoveryTags(env.clients, input);
      expect(changes).toHaveLength(3);
      expect(env.emu.calls({ operation: 'CreateOrUpdateTags' }).map((c) => c.status)).toEqual([400, 200]);
    } finally {
      env.emu.setFaults([]);
    }
    env.emu.resetCalls();
    expect((await ensureAutoDiscoveryTags(env.clients, input)).changes).toEqual([]);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('a failed write is an AwsCallError naming the operation and groups; the next run completes it', async () => {
    env.emu.setFaults([
      { service: 'autoscaling', operation: 'CreateOrUpdateTags', kind: 'error5xx', count: 3 },
    ]);
    const err = (await ensureAutoDiscoveryTags(env.clients, input).catch((e: unknown) => e)) as Error;
    env.emu.setFaults([]);
    expect(err.message).toMatch(
      /^autoscaling:CreateOrUpdateTags on eks-gpu,eks-workers-2a,eks-workers-2c failed/,
    );
    const retry = await ensureAutoDiscoveryTags(env.clients, input);
    expect(retry.changes).toHaveLength(3);
  });

  it('refuses node templates for groups outside the selection', async () => {
    await expect(
      ensureAutoDiscoveryTags(env.clients, {
        cluster: 'prod',
        select: { names: ['eks-workers-2a'] },
        nodeTemplates: { 'eks-gpu': {} },
      }),
    ).rejects.toThrow(/eks-gpu/);
    expect(mutations(env.emu)).toEqual([]);
  });
});
