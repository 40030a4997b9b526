import type { World } from '@eks-kit/aws-emulator';
import { callGate, TEST_CREDENTIALS } from '@eks-kit/aws-emulator/testing';
import { createClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  CHECK_AUTOSCALER_SETUP_ACTIONS,
  checkAutoscalerSetup,
  ensureAutoDiscoveryTags,
  findNodeGroups,
  kubeletFlagsFromUserData,
  nodeTemplateFromNodegroup,
  nodeTemplatesFromNodegroups,
  readNodeTemplates,
} from '../src/index.js';
import { mutations, REGION, useWorld } from './helpers.js';

const base = {
  'eks:cluster-name': 'prod',
  'k8s.io/cluster-autoscaler/enabled': 'true',
  'k8s.io/cluster-autoscaler/prod': 'owned',
};
const P = 'k8s.io/cluster-autoscaler/node-template/';

const world: World = {
  region: REGION,
  eks: {
    clusters: [{ name: 'prod' }],
    nodegroups: [
      {
        clusterName: 'prod',
        name: 'gpu',
        autoScalingGroup: 'eks-gpu-4ec6a1b2',
        labels: { role: 'gpu', 'nvidia.com/gpu.present': 'true' },
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }],
        capacityType: 'SPOT',
        instanceTypes: ['g4dn.xlarge'],
        minSize: 0,
        maxSize: 4,
      },
      { clusterName: 'prod', name: 'ml', autoScalingGroup: 'eks-ml-77aa', labels: { role: 'ml' } },
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
        userData:
          '#!/bin/bash\n/etc/eks/bootstrap.sh prod --kubelet-extra-args "--node-labels=team=batch,tier=spot --register-with-taints=batch=true:NoSchedule"\n',
      },
      { name: 'plain', instanceType: 'm5.large', userData: '#!/bin/bash\necho hello\n' },
    ],
  },
  autoscaling: {
    groups: [
      {
        name: 'eks-gpu-4ec6a1b2',
        minSize: 0,
        maxSize: 4,
        desiredCapacity: 0,
        tags: { ...base, 'eks:nodegroup-name': 'gpu' },
      },
      // A hand-written template that disagrees with the node group: label role and the taint's effect.
      {
        name: 'eks-ml-77aa',
        minSize: 0,
        maxSize: 4,
        desiredCapacity: 0,
        tags: {
          ...base,
          'eks:nodegroup-name': 'ml',
          [`${P}label/role`]: 'gpu',
          [`${P}label/only-in-tag`]: 'x',
        },
      },
      {
        name: 'self-batch',
        minSize: 0,
        maxSize: 3,
        desiredCapacity: 0,
        launchTemplate: { name: 'self-managed' },
        tags: { ...base, [`${P}taint/batch`]: 'true:NoExecute', [`${P}label/team`]: 'batch' },
      },
      {
        name: 'self-plain',
        minSize: 1,
        maxSize: 3,
        desiredCapacity: 1,
        launchTemplate: { name: 'plain' },
        tags: base,
      },
    ],
  },
};

describe('node templates from what defines them (builders)', () => {
  it('reads --node-labels and --register-with-taints from user data (AL2 bootstrap, AL2023 nodeadm)', () => {
    expect(
      kubeletFlagsFromUserData(
        '/etc/eks/bootstrap.sh prod --kubelet-extra-args "--node-labels=role=gpu,zone-pin=a --register-with-taints=gpu=true:NoSchedule,dedicated=:NoExecute"',
      ),
    ).toEqual({
      labels: { role: 'gpu', 'zone-pin': 'a' },
      taints: { gpu: 'true:NoSchedule', dedicated: ':NoExecute' },
    });
    const nodeadm = [
      'apiVersion: node.eks.aws/v1alpha1',
      'kind: NodeConfig',
      'spec:',
      '  kubelet:',
      '    flags:',
      '      - --node-labels=team=a',
      '      - --register-with-taints=team=a:PreferNoSchedule',
    ].join('\n');
    expect(kubeletFlagsFromUserData(nodeadm)).toEqual({
      labels: { team: 'a' },
      taints: { team: 'a:PreferNoSchedule' },
    });
    // A taint without an effect is not one the kubelet accepts: left out.
    expect(kubeletFlagsFromUserData('--register-with-taints=gpu=true')).toEqual({ labels: {}, taints: {} });
  });

  it("maps a node group's taint effects to Kubernetes spelling and adds EKS's own labels", () => {
    expect(
      nodeTemplateFromNodegroup({
        nodegroupName: 'gpu',
        capacityType: 'SPOT',
        labels: { role: 'gpu' },
        taints: [
          { key: 'a', value: 'x', effect: 'NO_SCHEDULE' },
          { key: 'b', effect: 'PREFER_NO_SCHEDULE' },
          { key: 'c', value: 'y', effect: 'NO_EXECUTE' },
        ],
      }),
    ).toEqual({
      labels: { role: 'gpu', 'eks.amazonaws.com/nodegroup': 'gpu', 'eks.amazonaws.com/capacityType': 'SPOT' },
      taints: { a: 'x:NoSchedule', b: ':PreferNoSchedule', c: 'y:NoExecute' },
    });
  });
});

describe('from-nodegroup against the emulator (DescribeNodegroup, launch template user data)', () => {
  const env = useWorld(world);

  it('reads a managed node group and a self-managed launch template, and nothing for a plain group', async () => {
    const groups = await findNodeGroups(env.clients, { cluster: 'prod' });
    const read = await readNodeTemplates(env.clients, { cluster: 'prod', groups });
    expect(read.get('eks-gpu-4ec6a1b2')).toEqual({
      template: {
        labels: {
          role: 'gpu',
          'nvidia.com/gpu.present': 'true',
          'eks.amazonaws.com/nodegroup': 'gpu',
          'eks.amazonaws.com/capacityType': 'SPOT',
        },
        taints: { 'nvidia.com/gpu': 'true:NoSchedule' },
        resources: { 'nvidia.com/gpu': '1' },
      },
      sources: ['eks nodegroup gpu', 'instance types g4dn.xlarge'],
    });
    // m5.large has no GPU: no resources for the self-managed group
    expect(read.get('self-batch')?.template.resources).toBeUndefined();
    expect(read.get('self-batch')).toMatchObject({
      template: { labels: { team: 'batch', tier: 'spot' }, taints: { batch: 'true:NoSchedule' } },
      sources: ['launch template self-managed version $Default user data'],
    });
    expect(read.has('self-plain')).toBe(false);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('from-nodegroup templates become tags through ensureAutoDiscoveryTags; a second run changes nothing', async () => {
    const groups = await findNodeGroups(env.clients, { cluster: 'prod' });
    const nodeTemplates = await nodeTemplatesFromNodegroups(env.clients, {
      cluster: 'prod',
      groups,
      names: ['eks-gpu-4ec6a1b2'],
    });
    const first = await ensureAutoDiscoveryTags(env.clients, { cluster: 'prod', nodeTemplates });
    expect(first.changes[0]?.after).toMatchObject({
      [`${P}label/role`]: 'gpu',
      [`${P}label/eks.amazonaws.com/capacityType`]: 'SPOT',
      [`${P}taint/nvidia.com/gpu`]: 'true:NoSchedule',
      [`${P}resources/nvidia.com/gpu`]: '1',
    });
    env.emu.resetCalls();
    const again = await ensureAutoDiscoveryTags(env.clients, {
      cluster: 'prod',
      nodeTemplates: await nodeTemplatesFromNodegroups(env.clients, {
        cluster: 'prod',
        groups: await findNodeGroups(env.clients, { cluster: 'prod' }),
        names: ['eks-gpu-4ec6a1b2'],
      }),
    });
    expect(again.changes).toEqual([]);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('a group defined nowhere eks-kit reads is an error naming it, before any write', async () => {
    const groups = await findNodeGroups(env.clients, { cluster: 'prod' });
    await expect(
      nodeTemplatesFromNodegroups(env.clients, { cluster: 'prod', groups, names: ['self-plain'] }),
    ).rejects.toThrow(/^self-plain: from-nodegroup found no labels or taints/);
    await expect(
      nodeTemplatesFromNodegroups(env.clients, { cluster: 'prod', groups, names: ['nope'] }),
    ).rejects.toThrow(/nope/);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('a node-template tag that disagrees with the node group is a fail naming both values', async () => {
    const findings = (await checkAutoscalerSetup(env.clients, { cluster: 'prod' })).filter(
      (f) => f.check === 'autoscaler.node-template',
    );
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['autoscaling group eks-ml-77aa', 'fail'],
      ['autoscaling group self-batch', 'fail'],
    ]);
    expect(findings[0]?.message).toContain(`${P}label/role=gpu, but eks nodegroup ml sets label role=ml`);
    expect(findings[0]?.message).not.toContain('only-in-tag');
    expect(findings[1]?.message).toContain(
      `${P}taint/batch=true:NoExecute, but launch template self-managed version $Default user data sets taint batch=true:NoSchedule`,
    );
    expect(findings[1]?.message).not.toContain('label/team');
    expect(findings[0]?.hint).toContain('autoscaler.nodeTemplates.eks-ml-77aa: from-nodegroup');
    const used = new Set(env.emu.calls().map((c) => `${c.service}:${c.operation}`));
    expect(used).toContain('eks:DescribeNodegroup');
    for (const action of used) expect(CHECK_AUTOSCALER_SETUP_ACTIONS).toContain(action);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('agreeing tags are an ok finding', async () => {
    await ensureAutoDiscoveryTags(env.clients, {
      cluster: 'prod',
      nodeTemplates: { 'eks-ml-77aa': { labels: { role: 'ml' } } },
    });
    const f = (await checkAutoscalerSetup(env.clients, { cluster: 'prod' })).find(
      (x) => x.resource === 'autoscaling group eks-ml-77aa' && x.check === 'autoscaler.node-template',
    );
    expect(f).toMatchObject({
      status: 'ok',
      message: 'node-template labels and taints agree with eks nodegroup ml',
    });
  });
});

describe('readNodeTemplates reads every group at once (issue 22)', () => {
  const env = useWorld(world);

  it('two launch templates in flight at once, every group`s instance types in one DescribeInstanceTypes', async () => {
    const templates = callGate(['DescribeLaunchTemplateVersions'], 2);
    const clients = await createClients({
      region: REGION,
      endpoint: env.emu.url,
      credentials: { ...TEST_CREDENTIALS },
      middleware: [templates],
    });
    try {
      const groups = await findNodeGroups(clients, { cluster: 'prod' });
      const read = await readNodeTemplates(clients, { cluster: 'prod', groups });
      expect(templates.arrived()).toHaveLength(2);
      expect(read.get('eks-gpu-4ec6a1b2')?.template.resources).toEqual({ 'nvidia.com/gpu': '1' });
      expect(read.get('self-batch')?.template.labels).toEqual({ team: 'batch', tier: 'spot' });
      // g4dn.xlarge (the node group's) and m5.large (the templates'): one call for both.
      expect(env.emu.calls({ operation: 'DescribeInstanceTypes' })).toHaveLength(1);
    } finally {
      clients.destroy();
    }
  });
});
