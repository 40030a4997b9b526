/**
 * Issue 21 review: check's two DescribeAutoScalingGroups (the selected groups by name, the groups
 * tagged for the cluster) are one once every selected group carries the cluster's tag: the run's
 * shared reads answer the name read from the tag read. A selected group without the tag (before the
 * first apply, or one whose tags were removed by hand) still sends the name read, so its drift is
 * found. Counted on the emulator's call log.
 */
import type { Emulator, World } from '@eks-kit/aws-emulator';
import type { AwsClients, Finding } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { applyStack, checkStack, parseStack, planStack } from '../src/index.js';
import { seedExample, useStackEmulator } from './support/emulator.js';

const { stackText, world } = seedExample();
const stack = parseStack(stackText);

// (the emulator logs neither the names nor the filters of these reads: counted, not read)
const groupReads = (emu: Emulator) => emu.calls({ operation: 'DescribeAutoScalingGroups' });
const tagsFindings = (findings: Finding[]) =>
  findings
    .filter((f) => f.check === 'drift.autoscaler.tags' || f.check === 'autoscaler.tags')
    .map((f) => [f.check, f.resource, f.status]);

describe('check: the selected groups answered from the cluster-tagged groups', () => {
  let emu: Emulator;
  let clients: AwsClients;
  useStackEmulator(world, 'reset', (e, c) => {
    emu = e;
    clients = c;
  });

  it('after apply: one DescribeAutoScalingGroups, the same findings', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.resetCalls();
    const findings = await checkStack(clients, stack);
    expect(emu.calls({ operation: 'DescribeAutoScalingGroups' })).toHaveLength(1);
    expect(tagsFindings(findings)).toEqual([
      ['drift.autoscaler.tags', 'autoscaler discovery tags on the worker groups', 'ok'],
      ['autoscaler.tags', 'autoscaling group seed-workers-a', 'ok'],
      ['autoscaler.tags', 'autoscaling group seed-workers-b', 'ok'],
    ]);
  });

  it('before apply (the groups lack the cluster`s tag): the name read still goes to AWS and finds the drift', async () => {
    const findings = await checkStack(clients, stack);
    const reads = groupReads(emu);
    expect(reads).toHaveLength(2);
    const tags = tagsFindings(findings);
    expect(tags.find(([check]) => check === 'drift.autoscaler.tags')?.[2]).not.toBe('ok');
    expect(tags.filter(([check]) => check === 'autoscaler.tags').map(([, r]) => r)).toEqual([
      'autoscaling group seed-workers-a',
      'autoscaling group seed-workers-b',
    ]);
  });

  it('plan has no tag read: one read by name', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.resetCalls();
    await planStack(clients, stack);
    const reads = groupReads(emu);
    expect(reads).toHaveLength(1);
  });
});

/** The seed with only seed-workers-a carrying the cluster's tag (as if b's had been removed by hand). */
function oneGroupTagged(): World {
  const copy = structuredClone(world) as World & {
    autoscaling: { groups: Array<{ name: string; tags: Record<string, string> }> };
  };
  for (const g of copy.autoscaling.groups)
    if (g.name === 'seed-workers-a') g.tags['k8s.io/cluster-autoscaler/seed'] = 'owned';
  return copy;
}

describe('check: a selected group without the cluster`s tag beside one with it', () => {
  let emu: Emulator;
  let clients: AwsClients;
  useStackEmulator(oneGroupTagged(), 'reset', (e, c) => {
    emu = e;
    clients = c;
  });

  it('the tag read lacks it: the name read goes to AWS, and the drift names it', async () => {
    const findings = await checkStack(clients, stack);
    const reads = groupReads(emu);
    expect(reads).toHaveLength(2);
    const drift = findings.filter((f) => f.check === 'drift.autoscaler.tags' && f.status !== 'ok');
    expect(drift.map((f) => f.resource)).toContain('autoscaling group seed-workers-b');
    expect(
      tagsFindings(findings)
        .filter(([check]) => check === 'autoscaler.tags')
        .map(([, r]) => r),
    ).toEqual(['autoscaling group seed-workers-a', 'autoscaling group seed-workers-b']);
  });
});
