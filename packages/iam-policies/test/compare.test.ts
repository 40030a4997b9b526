import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  decodePolicyDocument,
  diffPolicies,
  irsaTrustPolicy,
  policiesEqual,
  policyDocument,
  policyJson,
  statement,
} from '../src/index.js';

/** IAM's RFC 3986 encoding of a JSON string, as GetRole returns it (aws-sdk-js-v3#1945). */
const iamEncode = (json: string): string =>
  encodeURIComponent(json).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const doc = policyDocument(
  [
    statement({ actions: ['ec2:DescribeImages', 'autoscaling:DescribeAutoScalingGroups'], resources: '*' }),
    statement({
      actions: 'autoscaling:SetDesiredCapacity',
      resources: '*',
      conditions: { StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' } },
    }),
  ],
  { kind: 'identity' },
);

describe('decodePolicyDocument', () => {
  it('reads objects, JSON and URL-encoded JSON; Statement always a list', () => {
    const json =
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}';
    expect(decodePolicyDocument(json).Statement).toHaveLength(1);
    expect(decodePolicyDocument(iamEncode(json))).toEqual(decodePolicyDocument(json));
    expect(decodePolicyDocument(doc)).toEqual(doc);
  });
  it('refuses what is not a policy', () => {
    expect(() => decodePolicyDocument('%E0%A4%A')).toThrow(InvalidInputError);
    expect(() => decodePolicyDocument('{not json')).toThrow(InvalidInputError);
    expect(() => decodePolicyDocument('[1]')).toThrow(InvalidInputError);
  });
});

describe('policiesEqual (hashicorp/awspolicyequivalence rules, AWS-FACTS.md)', () => {
  it('equals itself in every form: object, JSON, URL-encoded, pretty-printed', () => {
    expect(policiesEqual(doc, policyJson(doc))).toBe(true);
    expect(policiesEqual(iamEncode(policyJson(doc)), doc)).toBe(true);
    expect(policiesEqual(iamEncode(policyJson(doc, { pretty: true })), doc)).toBe(true);
  });

  it('ignores statement order and list order; a string equals a one-element list', () => {
    const reordered = {
      Version: '2012-10-17',
      Statement: [
        {
          Resource: ['*'],
          Condition: { StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': ['true'] } },
          Action: ['autoscaling:SetDesiredCapacity'],
          Effect: 'Allow',
        },
        {
          Effect: 'Allow',
          Action: ['ec2:DescribeImages', 'autoscaling:DescribeAutoScalingGroups'],
          Resource: '*',
        },
      ],
    };
    expect(policiesEqual(doc, reordered)).toBe(true);
  });

  it('compares condition booleans and numbers as strings', () => {
    const a = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 's3:max-keys': 10 } },
        },
      ],
    };
    const b = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'true' }, NumericLessThan: { 's3:max-keys': '10' } },
        },
      ],
    };
    expect(policiesEqual(a, b)).toBe(true);
  });

  it('treats a 12-digit account as arn:aws:iam::ID:root and "*" as {"AWS":"*"}', () => {
    const a = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' }],
    };
    const b = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::123456789012:root'] }, Action: 'sts:AssumeRole' },
      ],
    };
    expect(policiesEqual(a, b)).toBe(true);
    const star = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }],
    };
    const awsStar = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*' }],
    };
    expect(policiesEqual(star, awsStar)).toBe(true);
  });

  it('sees real differences: a changed sub, an extra action, Effect, Sid, Version', () => {
    const provider = { oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/A' };
    expect(
      policiesEqual(
        irsaTrustPolicy(provider, 'kube-system', 'a'),
        irsaTrustPolicy(provider, 'kube-system', 'b'),
      ),
    ).toBe(false);
    const extra = policyDocument([statement({ actions: ['s3:GetObject', 's3:PutObject'], resources: '*' })], {
      kind: 'identity',
    });
    const base = policyDocument([statement({ actions: 's3:GetObject', resources: '*' })], {
      kind: 'identity',
    });
    expect(policiesEqual(base, extra)).toBe(false);
    expect(policiesEqual(base, { ...base, Statement: [{ ...base.Statement[0], Effect: 'Deny' }] })).toBe(
      false,
    );
    expect(policiesEqual(base, { ...base, Statement: [{ ...base.Statement[0], Sid: 'X' }] })).toBe(false);
    expect(policiesEqual(base, { Statement: base.Statement })).toBe(false);
  });

  it('a deleted-and-recreated role shows as its unique id, which differs from the ARN', () => {
    const byArn = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:role/node' },
          Action: 'sts:AssumeRole',
        },
      ],
    };
    const byId = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'AROAEXAMPLEID1234567' }, Action: 'sts:AssumeRole' }],
    };
    expect(policiesEqual(byArn, byId)).toBe(false);
  });
});

describe('diffPolicies', () => {
  it('lists added and removed statements with a summary', () => {
    const a = policyDocument(
      [
        statement({ actions: 's3:GetObject', resources: '*' }),
        statement({ actions: 'ec2:DescribeImages', resources: '*' }),
      ],
      { kind: 'identity' },
    );
    const b = policyDocument(
      [
        statement({ actions: 'ec2:DescribeImages', resources: '*' }),
        statement({ actions: 'ecr:GetAuthorizationToken', resources: '*' }),
      ],
      { kind: 'identity' },
    );
    const d = diffPolicies(a, b);
    expect(d.equal).toBe(false);
    expect(d.removed).toEqual([a.Statement[0]]);
    expect(d.added).toEqual([b.Statement[1]]);
    expect(d.summary).toBe('1 statement added, 1 statement removed');
    expect(diffPolicies(a, a)).toMatchObject({
      equal: true,
      summary: 'no difference',
      added: [],
      removed: [],
    });
  });
});
