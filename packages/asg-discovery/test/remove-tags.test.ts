import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import type { World } from '@eks-kit/aws-emulator';
import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  deletePodIdentityAssociation,
  ensureAutoDiscoveryTags,
  ensurePodIdentityAssociation,
  findPodIdentityAssociation,
  removeAutoDiscoveryTags,
} from '../src/index.js';
import { ACCOUNT, ISSUER, mutations, REGION, useWorld } from './helpers.js';

const world: World = {
  region: REGION,
  accountId: ACCOUNT,
  eks: { clusters: [{ name: 'prod', oidcIssuer: ISSUER }] },
  autoscaling: {
    groups: [
      { name: 'workers-a', minSize: 1, maxSize: 3, tags: { 'eks:cluster-name': 'prod', team: 'web' } },
      { name: 'workers-b', minSize: 0, maxSize: 3, tags: { 'eks:cluster-name': 'prod' } },
      {
        name: 'theirs',
        minSize: 1,
        maxSize: 3,
        tags: { 'eks-kit:stack': 'other', 'k8s.io/cluster-autoscaler/enabled': 'true' },
      },
    ],
  },
};
const env = useWorld(world);
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ca`;

async function tagsOf(name: string): Promise<Record<string, string>> {
  const asg = await env.clients.autoScaling();
  const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return Object.fromEntries(
    (out.AutoScalingGroups?.[0]?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']),
  );
}

describe('removeAutoDiscoveryTags against the emulator', () => {
  it('removes only the tags the stack wrote, keeps the groups and other tags; a rerun makes no mutating call', async () => {
    await ensureAutoDiscoveryTags(
      env.clients,
      {
        cluster: 'prod',
        select: { names: ['workers-a', 'workers-b'] },
        nodeTemplates: { 'workers-b': { labels: { role: 'batch' } } },
        stack: 'prod',
      },
      { adopt: true },
    );
    env.emu.resetCalls();
    const plan = await removeAutoDiscoveryTags(
      env.clients,
      { cluster: 'prod', stack: 'prod' },
      { dryRun: true },
    );
    expect(mutations(env.emu)).toEqual([]);
    expect(plan.groups).toEqual(['workers-a', 'workers-b']);
    const done = await removeAutoDiscoveryTags(env.clients, { cluster: 'prod', stack: 'prod' });
    expect(done.changes).toEqual(plan.changes);
    // Issue 22: both groups' tags in one DeleteTags call (50 tags a call), not one call per group.
    expect(mutations(env.emu)).toEqual(['autoscaling:DeleteTags']);
    expect(await tagsOf('workers-a')).toEqual({ 'eks:cluster-name': 'prod', team: 'web' });
    expect(await tagsOf('workers-b')).toEqual({ 'eks:cluster-name': 'prod' });
    expect((await tagsOf('theirs'))['eks-kit:stack']).toBe('other');
    env.emu.resetCalls();
    expect((await removeAutoDiscoveryTags(env.clients, { cluster: 'prod', stack: 'prod' })).changes).toEqual(
      [],
    );
    expect(mutations(env.emu)).toEqual([]);
  });

  it('refuses a bad cluster name before any call', async () => {
    await expect(
      removeAutoDiscoveryTags(env.clients, { cluster: 'bad name', stack: 'prod' }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect(env.emu.calls({})).toEqual([]);
  });
});

describe('deletePodIdentityAssociation against the emulator', () => {
  const sa = { cluster: 'prod', namespace: 'kube-system', serviceAccount: 'cluster-autoscaler' };
  it('deletes an association tagged for the stack; dry run and rerun make no mutating call', async () => {
    await ensurePodIdentityAssociation(env.clients, {
      ...sa,
      roleArn: ROLE,
      tags: { 'eks-kit:stack': 'prod' },
    });
    env.emu.resetCalls();
    expect(
      (await deletePodIdentityAssociation(env.clients, { ...sa, stack: 'prod' }, { dryRun: true })).outcome,
    ).toBe('deleted');
    expect(mutations(env.emu)).toEqual([]);
    await deletePodIdentityAssociation(env.clients, { ...sa, stack: 'prod' });
    expect(mutations(env.emu)).toEqual(['eks:DeletePodIdentityAssociation']);
    expect(await findPodIdentityAssociation(env.clients, sa)).toBeUndefined();
    env.emu.resetCalls();
    expect((await deletePodIdentityAssociation(env.clients, { ...sa, stack: 'prod' })).outcome).toBe(
      'absent',
    );
    expect(mutations(env.emu)).toEqual([]);
  });

  it('keeps an association without the stack tag', async () => {
    await ensurePodIdentityAssociation(env.clients, { ...sa, roleArn: ROLE });
    env.emu.resetCalls();
    expect(await deletePodIdentityAssociation(env.clients, { ...sa, stack: 'prod' })).toMatchObject({
      outcome: 'kept',
      keptBecause: 'not-owned',
    });
    expect(mutations(env.emu)).toEqual([]);
  });
});
