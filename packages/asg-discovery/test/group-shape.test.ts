import type { World } from '@eks-kit/aws-emulator';
import type { Finding } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  CHECK_AUTOSCALER_SETUP_ACTIONS,
  checkAutoscalerSetup,
  differingLabels,
  findNodeGroups,
  logGroupFindings,
  readAutoscalerLog,
} from '../src/index.js';
import { mutations, REGION, useWorld } from './helpers.js';

const tags = (extra: Record<string, string> = {}) => ({
  'eks:cluster-name': 'prod',
  'k8s.io/cluster-autoscaler/enabled': 'true',
  'k8s.io/cluster-autoscaler/prod': 'owned',
  ...extra,
});

const world: World = {
  region: REGION,
  eks: {
    clusters: [{ name: 'prod' }],
    nodegroups: [
      {
        clusterName: 'prod',
        name: 'web-a',
        autoScalingGroup: 'eks-web-a-11aa',
        labels: { app: 'web', team: 'a' },
        instanceTypes: ['m5.large'],
      },
      {
        clusterName: 'prod',
        name: 'web-b',
        autoScalingGroup: 'eks-web-b-22bb',
        labels: { app: 'web', team: 'b' },
        instanceTypes: ['m5.large'],
        capacityType: 'SPOT',
      },
    ],
  },
  ec2: { launchTemplates: [{ name: 'workers', instanceType: 'm5.large' }] },
  autoscaling: {
    groups: [
      {
        name: 'mixed-sizes',
        minSize: 1,
        maxSize: 5,
        desiredCapacity: 1,
        mixedInstancesPolicy: {
          launchTemplate: { name: 'workers' },
          overrides: [
            { instanceType: 'm5.large' },
            { instanceType: 'm5.2xlarge' },
            { instanceType: 'm5.xlarge' },
          ],
        },
        tags: tags(),
      },
      {
        name: 'mixed-same',
        minSize: 1,
        maxSize: 5,
        desiredCapacity: 1,
        mixedInstancesPolicy: {
          launchTemplate: { name: 'workers' },
          overrides: [{ instanceType: 'm5.xlarge' }, { instanceType: 'm6i.xlarge' }],
        },
        tags: tags(),
      },
      {
        name: 'eks-web-a-11aa',
        minSize: 1,
        maxSize: 3,
        desiredCapacity: 3,
        launchTemplate: { name: 'workers' },
        availabilityZones: ['ap-northeast-1a'],
        tags: tags({ 'eks:nodegroup-name': 'web-a' }),
      },
      {
        name: 'eks-web-b-22bb',
        minSize: 1,
        maxSize: 3,
        desiredCapacity: 1,
        launchTemplate: { name: 'workers' },
        availabilityZones: ['ap-northeast-1a'],
        tags: tags({ 'eks:nodegroup-name': 'web-b' }),
      },
    ],
  },
};

const of = (findings: Finding[], check: string) => findings.filter((f) => f.check === check);

describe('group shapes the autoscaler cannot reason about (checkAutoscalerSetup)', () => {
  const env = useWorld(world);

  it('a mixed-instances group whose types differ in size: warn naming the sizes and the first type', async () => {
    const findings = of(
      await checkAutoscalerSetup(env.clients, { cluster: 'prod' }),
      'autoscaler.mixed-instances',
    );
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['autoscaling group mixed-same', 'ok'],
      ['autoscaling group mixed-sizes', 'warn'],
    ]);
    const warn = findings[1]!;
    expect(warn.message).toContain(
      'm5.large 2 vCPU / 8192 MiB, but m5.2xlarge 8 vCPU / 32768 MiB, m5.xlarge 4 vCPU / 16384 MiB',
    );
    expect(warn.message).toContain('as the first type (m5.large)');
    expect(warn.hint).toContain('Using Mixed Instances Policies');
    expect(findings[0]?.message).toContain('4 vCPU / 16384 MiB');
  });

  it('--balance-similar-node-groups with groups EKS labels differently: names the groups, the labels and the ignore set', async () => {
    const findings = of(
      await checkAutoscalerSetup(env.clients, { cluster: 'prod', shape: { balanceSimilarNodeGroups: true } }),
      'autoscaler.balancing',
    );
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.resource).toBe('autoscaling groups eks-web-a-11aa and eks-web-b-22bb');
    expect(f.message).toContain('eks.amazonaws.com/capacityType (ON_DEMAND | SPOT), team (a | b)');
    // eks.amazonaws.com/nodegroup differs too, but the autoscaler ignores it on AWS
    expect(f.message).not.toContain('eks.amazonaws.com/nodegroup ');
    expect(f.hint).toContain('balancing-ignore-label: eks.amazonaws.com/nodegroup-image,');
    expect(f.hint).toContain('team');
    // once the differing labels are ignored, no finding
    const quiet = of(
      await checkAutoscalerSetup(env.clients, {
        cluster: 'prod',
        shape: {
          balanceSimilarNodeGroups: true,
          balancingIgnoreLabels: ['team', 'eks.amazonaws.com/capacityType'],
        },
      }),
      'autoscaler.balancing',
    );
    expect(quiet).toEqual([]);
    // without the flag, no balancing finding at all
    expect(of(await checkAutoscalerSetup(env.clients, { cluster: 'prod' }), 'autoscaler.balancing')).toEqual(
      [],
    );
  });

  it('priority expander: a pattern that matches no group, and groups no pattern matches', async () => {
    const findings = of(
      await checkAutoscalerSetup(env.clients, {
        cluster: 'prod',
        shape: { expanderPriorities: { '10': ['.*spot.*'], '50': ['^eks-web-.*'], '60': ['(bad'] } },
      }),
      'autoscaler.priority-expander',
    );
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['priority 10', 'warn'],
      ['priority 60', 'fail'],
      ['autoscaling group mixed-same', 'warn'],
      ['autoscaling group mixed-sizes', 'warn'],
    ]);
    expect(findings[0]?.message).toContain('pattern .*spot.* matches no discovered group');
  });

  it('reads only, and only actions the checks policy allows', async () => {
    await checkAutoscalerSetup(env.clients, {
      cluster: 'prod',
      shape: { balanceSimilarNodeGroups: true, expanderPriorities: { '1': ['.*'] } },
    });
    const used = new Set(env.emu.calls().map((c) => `${c.service}:${c.operation}`));
    expect(used).toContain('ec2:DescribeInstanceTypes');
    for (const action of used) expect(CHECK_AUTOSCALER_SETUP_ACTIONS).toContain(action);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('from the log: a group at max while pods are pending, and one zone only with zonal volumes', async () => {
    const log = [
      'I1126 09:00:00.000000       1 klogx.go:87] Pod default/web-1 is unschedulable',
      'I1126 09:00:00.100000       1 orchestrator.go:229] Skipping node group eks-web-a-11aa - max size reached',
      // scheduler reason as in kubernetes/autoscaler#5000-style NotTriggerScaleUp events (VolumeBinding plugin message)
      'I1126 09:00:00.200000       1 event_sink_logging_wrapper.go:48] Event(v1.ObjectReference{Kind:"Pod", Namespace:"db", Name:"pg-0"}): type: \'Normal\' reason: \'NotTriggerScaleUp\' pod didn\'t trigger scale-up: 2 node(s) had volume node affinity conflict, 1 max node group size reached',
    ].join('\n');
    const report = await readAutoscalerLog(log, { year: 2026 });
    const groups = await findNodeGroups(env.clients, { cluster: 'prod' });
    const findings = logGroupFindings(report, groups);
    expect(findings.map((f) => [f.check, f.resource, f.status])).toEqual([
      ['autoscaler.max-reached', 'autoscaling group eks-web-a-11aa', 'fail'],
      ['autoscaler.zones', 'cluster worker groups', 'warn'],
    ]);
    expect(findings[0]?.message).toContain(
      '(3/3) while 2 pod(s) pending in the log (default/web-1, db/pg-0)',
    );
    expect(findings[1]?.message).toMatch(/mixed-same spans ap-northeast-1a, ap-northeast-1c/);
    // all groups in one zone: a fail
    const oneZone = logGroupFindings(
      report,
      groups.filter((g) => g.name.startsWith('eks-web')),
    );
    expect(oneZone.find((f) => f.check === 'autoscaler.zones')).toMatchObject({ status: 'fail' });
    expect(oneZone.find((f) => f.check === 'autoscaler.zones')?.message).toContain(
      'every worker group is in ap-northeast-1a only',
    );
    // nothing pending, nothing at max named: no finding
    expect(logGroupFindings(await readAutoscalerLog('', { year: 2026 }), groups)).toEqual([]);
  });
});

describe('shape input', () => {
  const env = useWorld(world);
  it('is refused naming the field, before any AWS call', async () => {
    await expect(
      checkAutoscalerSetup(env.clients, {
        cluster: 'prod',
        shape: { balancingIgnoreLabels: 'team' as never },
      }),
    ).rejects.toThrow(/^shape\.balancingIgnoreLabels:/);
    await expect(
      checkAutoscalerSetup(env.clients, {
        cluster: 'prod',
        shape: { expanderPriorities: { '10': '.*' } as never },
      }),
    ).rejects.toThrow(/^shape\.expanderPriorities:/);
    expect(env.emu.calls()).toEqual([]);
  });
});

describe('differingLabels', () => {
  it('leaves out what the autoscaler ignores and what the user ignores', () => {
    expect(
      differingLabels(
        { 'kubernetes.io/hostname': 'a', 'eks.amazonaws.com/nodegroup': 'x', team: 'a', only: '1' },
        { 'kubernetes.io/hostname': 'b', 'eks.amazonaws.com/nodegroup': 'y', team: 'b' },
        ['only'],
      ),
    ).toEqual(['team']);
  });
});
