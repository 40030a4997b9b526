import { validatePolicy } from '@eks-kit/iam-policies';
import { describe, expect, it } from 'vitest';
import { AUTOSCALER_READ_ACTIONS, clusterAutoscalerPolicy } from '../src/index.js';

describe('clusterAutoscalerPolicy', () => {
  it('has the upstream read actions on * (kubernetes/autoscaler aws README, docs/AWS-FACTS.md#autoscaler-iam-policy)', () => {
    const doc = clusterAutoscalerPolicy({ cluster: 'prod' });
    expect(doc.Statement[0]).toEqual({
      Sid: 'DescribeNodeGroups',
      Effect: 'Allow',
      Action: [...AUTOSCALER_READ_ACTIONS],
      Resource: '*',
    });
    expect(AUTOSCALER_READ_ACTIONS).toContain('ec2:DescribeLaunchTemplateVersions');
    expect(AUTOSCALER_READ_ACTIONS).toContain('eks:DescribeNodegroup');
  });

  it('restricts writes with the EKS best-practice tag condition by default', () => {
    const doc = clusterAutoscalerPolicy({ cluster: 'prod' });
    expect(doc.Statement[1]).toEqual({
      Sid: 'ScaleTaggedGroups',
      Effect: 'Allow',
      Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
      Resource: '*',
      Condition: {
        StringEquals: {
          'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true',
          'aws:ResourceTag/k8s.io/cluster-autoscaler/prod': 'owned',
        },
      },
    });
  });

  it('never allows a write on * without a condition', () => {
    for (const doc of [clusterAutoscalerPolicy({ cluster: 'c' })]) {
      for (const s of doc.Statement) {
        const writes = [s.Action ?? []].flat().some((a) => /SetDesired|Terminate/.test(a));
        if (writes && s.Resource === '*') expect(s.Condition).toBeDefined();
      }
    }
  });

  it('passes iam-policies validation (real action names, no unconditioned write on *)', async () => {
    await expect(
      validatePolicy(clusterAutoscalerPolicy({ cluster: 'prod' }), { kind: 'identity' }),
    ).resolves.not.toThrow();
  });

  it('lists group ARNs in minimal mode, sorted and de-duplicated', () => {
    const a =
      'arn:aws:autoscaling:ap-northeast-1:123456789012:autoScalingGroup:11111111-2222-3333-4444-555555555555:autoScalingGroupName/b';
    const b =
      'arn:aws:autoscaling:ap-northeast-1:123456789012:autoScalingGroup:11111111-2222-3333-4444-555555555555:autoScalingGroupName/a';
    const doc = clusterAutoscalerPolicy({ cluster: 'prod', scope: { asgArns: [a, b, a] } });
    expect(doc.Statement[1]?.Resource).toEqual([b, a].sort());
    expect(doc.Statement[1]?.Condition).toBeUndefined();
  });

  it('refuses bad input naming the field', () => {
    expect(() => clusterAutoscalerPolicy({ cluster: '' })).toThrow(/^cluster:/);
    expect(() => clusterAutoscalerPolicy({ cluster: 'c', scope: { asgArns: [] } })).toThrow(/scope\.asgArns/);
    expect(() =>
      clusterAutoscalerPolicy({ cluster: 'c', scope: { asgArns: ['arn:aws:iam::123456789012:role/x'] } }),
    ).toThrow(/scope\.asgArns\[0\]/);
    expect(() =>
      clusterAutoscalerPolicy({
        cluster: 'c',
        scope: { asgArns: ['arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*'] },
      }),
    ).toThrow(/wildcard/);
    expect(() => clusterAutoscalerPolicy({ cluster: 'c', scope: 'all' as never })).toThrow(/^scope:/);
  });
});
