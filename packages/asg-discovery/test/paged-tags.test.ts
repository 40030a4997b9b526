import type { EksKitError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { ensureAutoDiscoveryTags, forEachGroupPage, forEachSelectedGroup } from '../src/index.js';
import { generatedGroupsWorld, mutations, useWorld } from './helpers.js';

// 250 groups: three DescribeAutoScalingGroups pages (100, 100, 50).
const world = generatedGroupsWorld(250);

const env = useWorld(world);
const reads = () => env.emu.calls({ operation: 'DescribeAutoScalingGroups' });

describe('paged reads of 250 groups', () => {
  it('forEachGroupPage hands over each page as it arrives, at most 100 groups each', async () => {
    const sizes: number[] = [];
    await forEachGroupPage(env.clients, [], (page) => {
      sizes.push(page.length);
    });
    expect(sizes).toEqual([100, 100, 50]);
    expect(reads()).toHaveLength(3);
  });

  it('forEachSelectedGroup without instances asks AWS for none (IncludeInstances=false)', async () => {
    const instances: number[] = [];
    await forEachSelectedGroup(
      env.clients,
      { cluster: 'c', select: { namePrefix: 'ng' } },
      (g) => {
        instances.push(g.instances);
      },
      { includeInstances: false },
    );
    expect(instances).toHaveLength(250);
    expect(instances.every((n) => n === 0)).toBe(true);
    expect(reads().map((c) => String(c.input.IncludeInstances))).toEqual(['false', 'false', 'false']);
  });

  it('ensureAutoDiscoveryTags plans page by page and writes the same batches in name order', async () => {
    const result = await ensureAutoDiscoveryTags(env.clients, { cluster: 'c', select: { namePrefix: 'ng' } });
    expect(result.groups).toHaveLength(250);
    expect(result.groups).toEqual([...result.groups].sort());
    expect(result.changes.map((c) => c.resource)).toEqual(result.groups.map((n) => `autoscaling group ${n}`));
    expect(reads()).toHaveLength(3);
    // 250 groups x 2 tags in batches of 50.
    expect(mutations(env.emu)).toEqual(Array.from({ length: 10 }, () => 'autoscaling:CreateOrUpdateTags'));
    env.emu.resetCalls();
    const again = await ensureAutoDiscoveryTags(env.clients, { cluster: 'c', select: { namePrefix: 'ng' } });
    expect(again.changes).toEqual([]);
    expect(mutations(env.emu)).toEqual([]);
    expect(reads()).toHaveLength(3);
  });

  it('a refusal on the last page stops the run before any write', async () => {
    const names: string[] = [];
    await forEachGroupPage(env.clients, [], (page) => {
      for (const g of page) names.push(g.name);
    });
    const lastName = names.sort().at(-1);
    expect(lastName).toBeDefined();
    const asg = await env.clients.autoScaling();
    const { CreateOrUpdateTagsCommand } = await import('@aws-sdk/client-auto-scaling');
    await asg.send(
      new CreateOrUpdateTagsCommand({
        Tags: [
          {
            ResourceId: lastName,
            ResourceType: 'auto-scaling-group',
            Key: 'eks-kit:stack',
            Value: 'other',
            PropagateAtLaunch: false,
          },
        ],
      }),
    );
    env.emu.resetCalls();
    const error = await ensureAutoDiscoveryTags(
      env.clients,
      {
        cluster: 'c',
        select: { namePrefix: 'ng' },
        stack: 'mine',
      },
      { adopt: true },
    ).catch((e: unknown) => e);
    expect((error as EksKitError).code).toBe('OwnedByAnotherStack');
    expect((error as EksKitError).message).toContain(lastName);
    expect(mutations(env.emu)).toEqual([]);
  });
});
