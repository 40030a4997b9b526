import { describe, expect, it } from 'vitest';
import {
  irsaTrustPolicy,
  kube2iamTrustPolicy,
  podIdentityTrustPolicy,
  policyDocument,
  servicePrincipalTrustPolicy,
  statement,
} from '../src/index.js';
import { webIdentityAllowed } from './support/evaluate-web-identity.js';
import { ACCOUNT, evaluateIdentity, evaluateTrust } from './support/simulate.js';

const ASG = `arn:aws:autoscaling:eu-west-1:${ACCOUNT}:autoScalingGroup:6d2a1f80-5a4e-4e8e-9d6c-0123456789ab:autoScalingGroupName/prod-workers`;
const ENABLED = 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled';
const OWNED = 'aws:ResourceTag/k8s.io/cluster-autoscaler/prod';

/** The shape of the autoscaler policy (docs/AWS-FACTS.md#autoscaler-iam-policy): reads on *, writes only on tagged groups. */
const autoscalerLike = policyDocument(
  [
    statement({
      actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeLaunchTemplateVersions'],
      resources: '*',
    }),
    statement({
      actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
      resources: '*',
      conditions: { StringEquals: { [ENABLED]: 'true', [OWNED]: 'owned' } },
    }),
  ],
  { kind: 'identity' },
);

describe('identity policies evaluated offline (iam-simulate)', () => {
  it('the autoscaler may set capacity only on groups tagged enabled=true and <cluster>=owned', async () => {
    expect(
      await evaluateIdentity(autoscalerLike, 'autoscaling:SetDesiredCapacity', ASG, {
        [ENABLED]: 'true',
        [OWNED]: 'owned',
      }),
    ).toBe('Allowed');
    expect(
      await evaluateIdentity(autoscalerLike, 'autoscaling:SetDesiredCapacity', ASG, { [ENABLED]: 'true' }),
    ).toBe('ImplicitlyDenied');
    // discovery ignores tag values but this condition does not (docs/AWS-FACTS.md#autoscaler-iam-policy): "yes" is not "true"
    expect(
      await evaluateIdentity(autoscalerLike, 'autoscaling:SetDesiredCapacity', ASG, {
        [ENABLED]: 'yes',
        [OWNED]: 'owned',
      }),
    ).toBe('ImplicitlyDenied');
    expect(await evaluateIdentity(autoscalerLike, 'autoscaling:DescribeAutoScalingGroups', '*')).toBe(
      'Allowed',
    );
    expect(
      await evaluateIdentity(autoscalerLike, 'autoscaling:DeleteAutoScalingGroup', ASG, {
        [ENABLED]: 'true',
        [OWNED]: 'owned',
      }),
    ).toBe('ImplicitlyDenied');
  });

  it('a repository-scoped push policy allows that repository only', async () => {
    const repo = (name: string): string => `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${name}`;
    const push = policyDocument(
      [
        statement({ actions: ['ecr:PutImage', 'ecr:InitiateLayerUpload'], resources: repo('app') }),
        statement({ actions: 'ecr:GetAuthorizationToken', resources: '*' }),
      ],
      { kind: 'identity' },
    );
    expect(await evaluateIdentity(push, 'ecr:PutImage', repo('app'))).toBe('Allowed');
    expect(await evaluateIdentity(push, 'ecr:PutImage', repo('other'))).toBe('ImplicitlyDenied');
    expect(await evaluateIdentity(push, 'ecr:GetAuthorizationToken', '*')).toBe('Allowed');
  });

  it('merging statements changes no decision', async () => {
    const parts = [
      statement({ actions: 'ec2:DescribeImages', resources: '*' }),
      statement({ actions: 'ec2:DescribeInstanceTypes', resources: '*' }),
      statement({ actions: 's3:GetObject', resources: 'arn:aws:s3:::a/*' }),
      statement({ actions: 's3:GetObject', resources: 'arn:aws:s3:::b/*' }),
    ];
    const plain = policyDocument(parts, { kind: 'identity' });
    const merged = policyDocument(parts, { kind: 'identity', mergeStatements: true });
    expect(merged.Statement).toHaveLength(2);
    const requests: [string, string][] = [
      ['ec2:DescribeImages', '*'],
      ['ec2:DescribeInstanceTypes', '*'],
      ['ec2:DescribeInstances', '*'],
      ['s3:GetObject', 'arn:aws:s3:::a/x'],
      ['s3:GetObject', 'arn:aws:s3:::b/x'],
      ['s3:GetObject', 'arn:aws:s3:::c/x'],
      ['s3:PutObject', 'arn:aws:s3:::a/x'],
    ];
    for (const [action, resource] of requests)
      expect(await evaluateIdentity(merged, action, resource)).toBe(
        await evaluateIdentity(plain, action, resource),
      );
  });
});

describe('trust policies evaluated offline (iam-simulate)', () => {
  it('EKS Pod Identity: pods.eks.amazonaws.com may AssumeRole and TagSession, nobody else', async () => {
    const trust = podIdentityTrustPolicy();
    expect(await evaluateTrust(trust, 'pods.eks.amazonaws.com', 'sts:AssumeRole')).toBe('Allowed');
    expect(await evaluateTrust(trust, 'pods.eks.amazonaws.com', 'sts:TagSession')).toBe('Allowed');
    expect(await evaluateTrust(trust, 'ec2.amazonaws.com', 'sts:AssumeRole')).toBe('ImplicitlyDenied');
    expect(await evaluateTrust(trust, `arn:aws:iam::${ACCOUNT}:role/other`, 'sts:AssumeRole')).toBe(
      'ImplicitlyDenied',
    );
  });

  it('EKS Pod Identity with sourceAccount refuses requests from another account', async () => {
    const trust = podIdentityTrustPolicy({ sourceAccount: ACCOUNT });
    expect(
      await evaluateTrust(trust, 'pods.eks.amazonaws.com', 'sts:AssumeRole', {
        'aws:SourceAccount': ACCOUNT,
      }),
    ).toBe('Allowed');
    expect(
      await evaluateTrust(trust, 'pods.eks.amazonaws.com', 'sts:AssumeRole', {
        'aws:SourceAccount': '210987654321',
      }),
    ).toBe('ImplicitlyDenied');
  });

  it('kube2iam: the node role and EC2 may assume; another role may not', async () => {
    const node = `arn:aws:iam::${ACCOUNT}:role/eks-node`;
    const trust = kube2iamTrustPolicy({ nodeRoleArns: [node] });
    expect(await evaluateTrust(trust, node)).toBe('Allowed');
    expect(await evaluateTrust(trust, 'ec2.amazonaws.com')).toBe('Allowed');
    expect(await evaluateTrust(trust, `arn:aws:iam::${ACCOUNT}:role/intruder`)).toBe('ImplicitlyDenied');
    expect(await evaluateTrust(trust, node, 'sts:TagSession')).toBe('ImplicitlyDenied');
  });

  it('service principal: lambda.amazonaws.com only', async () => {
    const trust = servicePrincipalTrustPolicy('lambda.amazonaws.com');
    expect(await evaluateTrust(trust, 'lambda.amazonaws.com')).toBe('Allowed');
    expect(await evaluateTrust(trust, 'ec2.amazonaws.com')).toBe('ImplicitlyDenied');
  });
});

describe('IRSA trust evaluated offline (small evaluator: iam-simulate drops EKS issuer keys, see support/)', () => {
  const HOST = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
  const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${HOST}`;
  const claims = (sub: string, aud = 'sts.amazonaws.com'): Record<string, string> => ({
    [`${HOST}:sub`]: sub,
    [`${HOST}:aud`]: aud,
  });

  it('only the named service account of the named namespace, with audience sts.amazonaws.com', () => {
    const trust = irsaTrustPolicy({ oidcProviderArn: PROVIDER }, 'kube-system', 'cluster-autoscaler');
    expect(
      webIdentityAllowed(trust, PROVIDER, claims('system:serviceaccount:kube-system:cluster-autoscaler')),
    ).toBe(true);
    expect(
      webIdentityAllowed(trust, PROVIDER, claims('system:serviceaccount:default:cluster-autoscaler')),
    ).toBe(false);
    expect(webIdentityAllowed(trust, PROVIDER, claims('system:serviceaccount:kube-system:other'))).toBe(
      false,
    );
    expect(
      webIdentityAllowed(
        trust,
        PROVIDER,
        claims('system:serviceaccount:kube-system:cluster-autoscaler', 'other'),
      ),
    ).toBe(false);
    expect(
      webIdentityAllowed(
        trust,
        `arn:aws:iam::${ACCOUNT}:oidc-provider/other.example.com`,
        claims('system:serviceaccount:kube-system:cluster-autoscaler'),
      ),
    ).toBe(false);
  });

  it('a pattern matches the service accounts it names and no others', () => {
    const trust = irsaTrustPolicy({
      oidcProviderArn: PROVIDER,
      namespace: 'gitlab-runner',
      serviceAccountPattern: 'build-*',
    });
    expect(webIdentityAllowed(trust, PROVIDER, claims('system:serviceaccount:gitlab-runner:build-42'))).toBe(
      true,
    );
    expect(webIdentityAllowed(trust, PROVIDER, claims('system:serviceaccount:gitlab-runner:deploy'))).toBe(
      false,
    );
    expect(webIdentityAllowed(trust, PROVIDER, claims('system:serviceaccount:other:build-42'))).toBe(false);
  });
});
