import type { Emulator, World } from '@eks-kit/aws-emulator';
import { type AwsClients, EksKitError } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, parseStack, planStack } from '../src/index.js';
import { startStackEmulator, stopStackEmulator } from './support/emulator.js';

// issue 19 item 1: `autoscaler.nodeTemplates.<group>: from-nodegroup`.
const yaml = (templates: string) => `name: ng
cluster:
  name: prod
  region: ap-northeast-1
  kubernetesVersion: "1.35"
autoscaler:
  identity: { mode: pod-identity }
  workerGroups:
    names: [eks-gpu-4ec6a1b2, plain]
    adopt: true # the groups were made by hand (issue 14: taken over only when asked)
  nodeTemplates:
${templates}
`;
const world: World = {
  region: 'ap-northeast-1',
  eks: {
    clusters: [{ name: 'prod' }],
    nodegroups: [
      {
        clusterName: 'prod',
        name: 'gpu',
        autoScalingGroup: 'eks-gpu-4ec6a1b2',
        labels: { role: 'gpu' },
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }],
        minSize: 0,
      },
    ],
  },
  autoscaling: {
    groups: [
      {
        name: 'eks-gpu-4ec6a1b2',
        minSize: 0,
        maxSize: 4,
        desiredCapacity: 0,
        tags: { 'eks:cluster-name': 'prod', 'eks:nodegroup-name': 'gpu' },
      },
      { name: 'plain', minSize: 1, maxSize: 4, desiredCapacity: 1, tags: { 'eks:cluster-name': 'prod' } },
    ],
  },
};

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  ({ emu, clients } = await startStackEmulator(world));
});
afterAll(() => stopStackEmulator(emu, clients));
beforeEach(() => {
  emu.seed(world);
  emu.resetCalls();
});

const P = 'k8s.io/cluster-autoscaler/node-template/';

describe('autoscaler.nodeTemplates.<group>: from-nodegroup', () => {
  it('parses, and a misspelling is a one-line error naming the field and line', () => {
    const stack = parseStack(yaml('    eks-gpu-4ec6a1b2: from-nodegroup'), 'eks-kit.yaml');
    expect(stack.autoscaler?.nodeTemplates?.['eks-gpu-4ec6a1b2']).toBe('from-nodegroup');
    expect(() => parseStack(yaml('    eks-gpu-4ec6a1b2: from-nodegrup'), 'eks-kit.yaml')).toThrow(
      /^eks-kit\.yaml:12: autoscaler\.nodeTemplates\.eks-gpu-4ec6a1b2: expected from-nodegroup, or a template/,
    );
    // a hand-written template still gets its own field errors
    expect(() => parseStack(yaml('    plain:\n      taints: { dedicated: gpu }'), 'eks-kit.yaml')).toThrow(
      /^eks-kit\.yaml:13: autoscaler\.nodeTemplates\.plain\.taints\.dedicated: expected value:effect/,
    );
  });

  it('plan shows the tags read from the node group; apply writes them; a second plan has no change', async () => {
    const stack = parseStack(yaml('    eks-gpu-4ec6a1b2: from-nodegroup'), 'eks-kit.yaml');
    const plan = await planStack(clients, stack);
    // The adoption of the hand-made group is its own change (issue 14); the node-template tags follow.
    const change = plan.changes.find(
      (c) => c.resource === 'autoscaling group eks-gpu-4ec6a1b2' && !c.summary.startsWith('adopt'),
    );
    expect(change?.after).toMatchObject({
      [`${P}label/role`]: 'gpu',
      [`${P}label/eks.amazonaws.com/nodegroup`]: 'gpu',
      [`${P}taint/nvidia.com/gpu`]: 'true:NoSchedule',
    });
    expect(emu.calls({ mutating: true })).toEqual([]);
    await applyStack(clients, stack, { yes: true });
    const again = await planStack(clients, stack);
    expect(again.changes.filter((c) => c.resource.startsWith('autoscaling group'))).toEqual([]);
  });

  it('from-nodegroup on a group that is no managed node group: a blocker naming the group, apply refused, no write', async () => {
    const stack = parseStack(yaml('    plain: from-nodegroup'), 'eks-kit.yaml');
    // plan reports every refusal as a blocking finding (issue 14) instead of stopping at the first
    const plan = await planStack(clients, stack);
    const blocker = plan.findings.find((f) => f.check === 'autoscaler.tags.blocked');
    expect(blocker?.status).toBe('fail');
    expect(blocker?.message).toContain('plain: from-nodegroup found no labels or taints');
    expect(blocker?.data?.code).toBe('NoNodegroupTemplate');
    const error = await applyStack(clients, stack, { yes: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EksKitError);
    expect((error as EksKitError).message).toContain('plain: from-nodegroup found no labels or taints');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });
});
