import { describe, expect, it } from 'vitest';
import {
  irsaTrustPolicy,
  kiamTrustPolicy,
  kube2iamTrustPolicy,
  oidcProviderArnFromIssuer,
  podIdentityTrustPolicy,
  policyJson,
  servicePrincipalTrustPolicy,
  validatePolicy,
} from '../src/index.js';
import { fieldOf } from './support/invalid-input.js';

const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const HOST = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${HOST}`;

describe('oidcProviderArnFromIssuer', () => {
  it('names the provider by the issuer host and path (docs/AWS-FACTS.md#iam-trust-for-pods)', () => {
    expect(oidcProviderArnFromIssuer(ISSUER, '123456789012')).toBe(PROVIDER);
    expect(oidcProviderArnFromIssuer(`${ISSUER}/`, '123456789012', 'aws-cn')).toBe(
      `arn:aws-cn:iam::123456789012:oidc-provider/${HOST}`,
    );
  });
  it('refuses a bad issuer or account', () => {
    expect(fieldOf(() => oidcProviderArnFromIssuer('http://x.example.com', '123456789012'))).toBe(
      'issuerUrl',
    );
    expect(fieldOf(() => oidcProviderArnFromIssuer('not a url', '123456789012'))).toBe('issuerUrl');
    expect(fieldOf(() => oidcProviderArnFromIssuer(ISSUER, '1234'))).toBe('accountId');
  });
});

describe('irsaTrustPolicy', () => {
  it('matches the documented IRSA trust exactly (aud and sub, StringEquals)', () => {
    const doc = irsaTrustPolicy(
      { issuerUrl: ISSUER, accountId: '123456789012' },
      'kube-system',
      'cluster-autoscaler',
    );
    expect(doc).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              [`${HOST}:aud`]: 'sts.amazonaws.com',
              [`${HOST}:sub`]: 'system:serviceaccount:kube-system:cluster-autoscaler',
            },
          },
        },
      ],
    });
  });

  it('takes a provider ARN and one object input; a pattern uses StringLike for sub only', () => {
    const doc = irsaTrustPolicy({
      oidcProviderArn: PROVIDER,
      namespace: 'gitlab-runner',
      serviceAccountPattern: 'build-*',
    });
    expect(doc.Statement[0]?.Condition).toEqual({
      StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' },
      StringLike: { [`${HOST}:sub`]: 'system:serviceaccount:gitlab-runner:build-*' },
    });
    expect(irsaTrustPolicy({ oidcProviderArn: PROVIDER }, 'gitlab-runner', { pattern: 'build-*' })).toEqual(
      doc,
    );
    expect(irsaTrustPolicy({ oidcProviderArn: PROVIDER, namespace: 'a', serviceAccount: 'b' })).toEqual(
      irsaTrustPolicy({ issuerUrl: ISSUER, accountId: '123456789012' }, 'a', 'b'),
    );
  });

  it('passes validatePolicy for a trust policy', async () => {
    await expect(
      validatePolicy(irsaTrustPolicy({ oidcProviderArn: PROVIDER }, 'kube-system', 'x'), { kind: 'trust' }),
    ).resolves.toBeUndefined();
  });

  it('refuses bad input naming the field', () => {
    expect(
      fieldOf(() => irsaTrustPolicy({ oidcProviderArn: 'arn:aws:iam::123456789012:role/x' }, 'a', 'b')),
    ).toBe('oidcProviderArn');
    expect(fieldOf(() => irsaTrustPolicy({ oidcProviderArn: PROVIDER }, 'Kube_System', 'b'))).toBe(
      'namespace',
    );
    expect(fieldOf(() => irsaTrustPolicy({ oidcProviderArn: PROVIDER }, 'a', 'B!'))).toBe('serviceAccount');
    expect(fieldOf(() => irsaTrustPolicy({ oidcProviderArn: PROVIDER, namespace: 'a' }))).toBe(
      'serviceAccount',
    );
    expect(
      fieldOf(() =>
        irsaTrustPolicy({
          oidcProviderArn: PROVIDER,
          namespace: 'a',
          serviceAccount: 'b',
          serviceAccountPattern: 'c*',
        }),
      ),
    ).toBe('serviceAccount');
    expect(fieldOf(() => irsaTrustPolicy({ oidcProviderArn: PROVIDER }, 'a', { pattern: 'has space' }))).toBe(
      'serviceAccountPattern',
    );
    expect(fieldOf(() => irsaTrustPolicy({ issuerUrl: ISSUER, accountId: 'x' }, 'a', 'b'))).toBe('accountId');
  });
});

describe('podIdentityTrustPolicy', () => {
  it('trusts pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession (docs/AWS-FACTS.md#iam-trust-for-pods)', () => {
    expect(policyJson(podIdentityTrustPolicy())).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}',
    );
  });
  it('adds source account and request tag conditions', () => {
    const doc = podIdentityTrustPolicy({
      sourceAccount: '123456789012',
      requestTags: { 'kubernetes-namespace': 'kube-system' },
    });
    expect(doc.Statement[0]?.Condition).toEqual({
      StringEquals: {
        'aws:RequestTag/kubernetes-namespace': 'kube-system',
        'aws:SourceAccount': '123456789012',
      },
    });
  });
  it('refuses a bad account or tag key', () => {
    expect(fieldOf(() => podIdentityTrustPolicy({ sourceAccount: '12' }))).toBe('sourceAccount');
    expect(fieldOf(() => podIdentityTrustPolicy({ requestTags: { 'a b': 'x' } }))).toBe('requestTags.a b');
  });
});

describe('kube2iam, kiam and service principals', () => {
  it('kube2iam trusts ec2.amazonaws.com and the node roles', () => {
    const doc = kube2iamTrustPolicy({
      nodeRoleArns: ['arn:aws:iam::123456789012:role/node-b', 'arn:aws:iam::123456789012:role/node-a'],
    });
    expect(doc.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: {
          AWS: ['arn:aws:iam::123456789012:role/node-a', 'arn:aws:iam::123456789012:role/node-b'],
          Service: 'ec2.amazonaws.com',
        },
        Action: 'sts:AssumeRole',
      },
    ]);
    expect(fieldOf(() => kube2iamTrustPolicy({ nodeRoleArns: [] }))).toBe('nodeRoleArns');
    expect(fieldOf(() => kube2iamTrustPolicy({ nodeRoleArns: ['arn:aws:iam::123456789012:user/x'] }))).toBe(
      'nodeRoleArns[0]',
    );
  });
  it('kiam (abandoned upstream, uswitch/kiam README) trusts the server role', () => {
    expect(
      kiamTrustPolicy({ serverRoleArn: 'arn:aws:iam::123456789012:role/kiam-server' }).Statement[0]
        ?.Principal,
    ).toEqual({
      AWS: 'arn:aws:iam::123456789012:role/kiam-server',
    });
    expect(fieldOf(() => kiamTrustPolicy({ serverRoleArn: 'kiam-server' }))).toBe('serverRoleArn');
  });
  it('service principals', () => {
    expect(servicePrincipalTrustPolicy('lambda.amazonaws.com').Statement[0]).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
    expect(fieldOf(() => servicePrincipalTrustPolicy('lambda'))).toBe('service');
  });
});

describe('own keys only', () => {
  it('podIdentityTrustPolicy refuses a __proto__ request tag naming the field', () => {
    expect(fieldOf(() => podIdentityTrustPolicy({ requestTags: JSON.parse('{"__proto__":"x"}') }))).toBe(
      'requestTags.__proto__',
    );
  });
});
