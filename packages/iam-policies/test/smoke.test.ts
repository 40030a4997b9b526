import { describe, expect, it } from 'vitest';
import { irsaTrustPolicy, policyDocument, policyJson, statement, validatePolicy } from '../src/index.js';

describe('smoke', () => {
  it('builds', async () => {
    const doc = policyDocument(
      [
        statement({
          actions: ['ec2:DescribeImages', 'autoscaling:DescribeAutoScalingGroups'],
          resources: '*',
        }),
      ],
      { kind: 'identity' },
    );
    expect(policyJson(doc)).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["autoscaling:DescribeAutoScalingGroups","ec2:DescribeImages"],"Resource":"*"}]}',
    );
    await validatePolicy(doc, { kind: 'identity' });
    const t = irsaTrustPolicy(
      { issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', accountId: '123456789012' },
      'kube-system',
      'ca',
    );
    await validatePolicy(t, { kind: 'trust' });
    console.log(policyJson(t));
    await expect(
      validatePolicy(
        policyDocument([statement({ actions: 'ec2:DescribeInstance', resources: '*' })], {
          kind: 'identity',
        }),
        { kind: 'identity' },
      ),
    ).rejects.toThrow(/DescribeInstances/);
  });
});
