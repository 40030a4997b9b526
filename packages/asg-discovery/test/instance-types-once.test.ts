/**
 * Issue 21 review: checkAutoscalerSetup asks EC2 for instance types once. The node-template findings,
 * the balancing findings and the mixed-instances findings used to read for themselves (the seed
 * stack: [m5.large] for one group's node template, then [t3.large, m5.large] for balancing); they now
 * share one read of the groups and one DescribeInstanceTypes. A type EC2 does not know still leaves
 * every other group's finding, and its own, in place. Counted on the emulator's call log.
 */
import type { World } from '@eks-kit/aws-emulator';
import { TEST_CREDENTIALS } from '@eks-kit/aws-emulator/testing';
import type { ClientMiddleware, Finding } from '@eks-kit/core';
import { createClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { checkAutoscalerSetup } from '../src/index.js';
import { REGION, useWorld } from './helpers.js';

const tags = (extra: Record<string, string> = {}) => ({
  'eks:cluster-name': 'prod',
  'k8s.io/cluster-autoscaler/enabled': 'true',
  'k8s.io/cluster-autoscaler/prod': 'owned',
  ...extra,
});
const LABEL = 'k8s.io/cluster-autoscaler/node-template/label/';

/** Two EKS node groups (one with its own type), a mixed-instances group; `oddType` is the odd group's type. */
function world(oddType: string): World {
  return {
    region: REGION,
    eks: {
      clusters: [{ name: 'prod' }],
      nodegroups: [
        { clusterName: 'prod', name: 'web', autoScalingGroup: 'eks-web-11aa', labels: { team: 'web' } },
        { clusterName: 'prod', name: 'odd', autoScalingGroup: 'eks-odd-22bb', labels: { team: 'odd' } },
      ],
    },
    ec2: {
      launchTemplates: [
        { name: 'web', instanceType: 't3.large' },
        { name: 'odd', instanceType: oddType },
        { name: 'mixed', instanceType: 'm5.large' },
      ],
    },
    autoscaling: {
      groups: [
        {
          name: 'eks-web-11aa',
          minSize: 0,
          maxSize: 3,
          desiredCapacity: 1,
          launchTemplate: { name: 'web' },
          // Agrees with the node group: an ok node-template finding.
          tags: tags({ 'eks:nodegroup-name': 'web', [`${LABEL}team`]: 'web' }),
        },
        {
          name: 'eks-odd-22bb',
          minSize: 0,
          maxSize: 3,
          desiredCapacity: 1,
          launchTemplate: { name: 'odd' },
          // Disagrees with the node group: a fail node-template finding.
          tags: tags({ 'eks:nodegroup-name': 'odd', [`${LABEL}team`]: 'batch' }),
        },
        {
          name: 'mixed-sizes',
          minSize: 1,
          maxSize: 5,
          desiredCapacity: 1,
          mixedInstancesPolicy: {
            launchTemplate: { name: 'mixed' },
            overrides: [{ instanceType: 'm5.large' }, { instanceType: 'm5.xlarge' }],
          },
          tags: tags(),
        },
      ],
    },
  };
}

const summary = (findings: Finding[]) =>
  findings
    .filter((f) => ['autoscaler.node-template', 'autoscaler.mixed-instances'].includes(f.check))
    .map((f) => [f.check, f.resource, f.status]);

const EXPECTED = [
  ['autoscaler.node-template', 'autoscaling group eks-odd-22bb', 'fail'],
  ['autoscaler.node-template', 'autoscaling group eks-web-11aa', 'ok'],
  ['autoscaler.mixed-instances', 'autoscaling group mixed-sizes', 'warn'],
];

describe('checkAutoscalerSetup: one DescribeInstanceTypes for every finding that needs sizes', () => {
  const env = useWorld(world('c5.large'));

  it('node templates, balancing and mixed instances: one call naming every type', async () => {
    const asked: string[][] = [];
    const recorder: ClientMiddleware = {
      name: 'recordInstanceTypes',
      handler: () => (next, context) => async (args) => {
        if (context.commandName === 'DescribeInstanceTypesCommand')
          asked.push([...((args.input as { InstanceTypes?: string[] }).InstanceTypes ?? [])].sort());
        return next(args);
      },
    };
    const clients = await createClients({
      region: REGION,
      endpoint: env.emu.url,
      credentials: { ...TEST_CREDENTIALS },
      middleware: [recorder],
    });
    try {
      const findings = await checkAutoscalerSetup(clients, {
        cluster: 'prod',
        shape: { balanceSimilarNodeGroups: true },
      });
      expect(summary(findings)).toEqual(EXPECTED);
      expect(findings.find((f) => f.check === 'autoscaler.mixed-instances')?.message).toContain(
        'm5.large 2 vCPU / 8192 MiB, but m5.xlarge 4 vCPU / 16384 MiB',
      );
      expect(env.emu.calls({ operation: 'DescribeInstanceTypes' })).toHaveLength(1);
      expect(asked).toEqual([['c5.large', 'm5.large', 'm5.xlarge', 't3.large']]);
    } finally {
      clients.destroy();
    }
  });

  it('without balancing: the tagged groups` types and the mixed group`s, still one call', async () => {
    const findings = await checkAutoscalerSetup(env.clients, { cluster: 'prod' });
    expect(summary(findings)).toEqual(EXPECTED);
    expect(env.emu.calls({ operation: 'DescribeInstanceTypes' })).toHaveLength(1);
  });
});

describe('checkAutoscalerSetup: a type EC2 does not know', () => {
  const env = useWorld(world('zz9.plural'));

  it('every group still gets its finding, the odd one too (the batch falls back to one call per group)', async () => {
    const findings = await checkAutoscalerSetup(env.clients, {
      cluster: 'prod',
      shape: { balanceSimilarNodeGroups: true },
    });
    expect(summary(findings)).toEqual(EXPECTED);
    const calls = env.emu.calls({ operation: 'DescribeInstanceTypes' });
    // The batch EC2 refuses, then the groups one by one (the odd group's refused again) and the
    // mixed group's types, each asked once more.
    expect(calls[0]?.error).toBe('InvalidInstanceType');
    expect(calls.filter((c) => c.error === 'InvalidInstanceType').length).toBeGreaterThanOrEqual(2);
    expect(calls.some((c) => c.status === 200)).toBe(true);
  });
});
