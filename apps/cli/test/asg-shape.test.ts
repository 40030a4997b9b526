import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

// issue 19 through the built CLI: node templates from node groups.
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
      { name: 'plain', minSize: 1, maxSize: 4, desiredCapacity: 4, tags: { 'eks:cluster-name': 'prod' } },
    ],
  },
};
const stackYaml = (templates: string) => `name: ng
cluster:
  name: prod
  region: ap-northeast-1
  kubernetesVersion: "1.35"
autoscaler:
  identity: { mode: pod-identity }
  workerGroups:
    names: [eks-gpu-4ec6a1b2, plain]
${templates}
`;

let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world });
  dir = tempDir();
});
afterAll(async () => {
  await emu.stop();
});

function stackFile(name: string, templates: string): string {
  const file = join(dir, name);
  writeFileSync(file, stackYaml(templates));
  return file;
}

describe('eks-kit autoscaler tags, node templates from the node group', () => {
  it('nodeTemplates.<group>: from-nodegroup prints the tags read from EKS', async () => {
    const file = stackFile('from.yaml', '  nodeTemplates:\n    eks-gpu-4ec6a1b2: from-nodegroup');
    const run = await runCli(['autoscaler', 'tags', '-f', file, '--endpoint-url', emu.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Group eks-gpu-4ec6a1b2 (scale from zero):');
    expect(run.stdout).toContain('k8s.io/cluster-autoscaler/node-template/label/role=gpu');
    expect(run.stdout).toContain(
      'k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu=true:NoSchedule',
    );
  });

  it('--from-nodegroup reads every selected group that has a node group; others are left out', async () => {
    const file = stackFile('plain.yaml', '');
    const run = await runCli([
      'autoscaler',
      'tags',
      '--from-nodegroup',
      '--json',
      '-f',
      file,
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      nodeTemplates: Record<string, Array<{ key: string; value: string }>>;
    };
    expect(Object.keys(out.nodeTemplates)).toEqual(['eks-gpu-4ec6a1b2']);
    expect(out.nodeTemplates['eks-gpu-4ec6a1b2']).toContainEqual({
      key: 'k8s.io/cluster-autoscaler/node-template/label/eks.amazonaws.com/nodegroup',
      value: 'gpu',
      propagateAtLaunch: false,
    });
  });

  it('from-nodegroup on a group with no node group or user data flags: one-line error naming it, exit 1', async () => {
    const file = stackFile('bad.yaml', '  nodeTemplates:\n    plain: from-nodegroup');
    const run = await runCli(['autoscaler', 'tags', '-f', file, '--endpoint-url', emu.url]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')[0]).toContain('plain: from-nodegroup found no labels or taints');
  });
});

describe('eks-kit autoscaler verify --log: groups at max while pods are pending', () => {
  it('a fail finding naming the group, exit 2; without --log no such finding', async () => {
    const file = stackFile('verify.yaml', '');
    const log = [
      'I1126 09:00:00.000000       1 klogx.go:87] Pod default/web-1 is unschedulable',
      'I1126 09:00:00.100000       1 orchestrator.go:229] Skipping node group plain - max size reached',
    ].join('\n');
    const run = await runCli(
      ['autoscaler', 'verify', '--json', '--log', '-', '-f', file, '--endpoint-url', emu.url],
      {
        input: log,
      },
    );
    expect(run.code).toBe(2);
    const { findings } = JSON.parse(run.stdout) as {
      findings: Array<{ check: string; resource: string; status: string; message: string }>;
    };
    const atMax = findings.filter((f) => f.check === 'autoscaler.max-reached');
    expect(atMax).toHaveLength(1);
    expect(atMax[0]).toMatchObject({ resource: 'autoscaling group plain', status: 'fail' });
    expect(atMax[0]?.message).toContain('(4/4) while 1 pod(s) pending in the log (default/web-1)');
    const without = await runCli(['autoscaler', 'verify', '--json', '-f', file, '--endpoint-url', emu.url]);
    expect(without.stdout).not.toContain('autoscaler.max-reached');
  });

  it('--log naming a missing file is invalid input before any AWS call', async () => {
    const file = stackFile('verify2.yaml', '');
    emu.resetCalls();
    const run = await runCli([
      'autoscaler',
      'verify',
      '--log',
      join(dir, 'nope.log'),
      '-f',
      file,
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBe(1);
    expect(run.stderr).toContain('--log');
    expect(emu.calls()).toEqual([]);
  });
});
