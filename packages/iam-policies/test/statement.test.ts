import { describe, expect, it } from 'vitest';
import {
  isConditionOperator,
  mergeCompatibleStatements,
  policyDocument,
  policyJson,
  statement,
} from '../src/index.js';
import { fieldOf } from './support/invalid-input.js';

describe('statement', () => {
  it('defaults Effect to Allow and orders keys as IAM does', () => {
    const s = statement({
      conditions: { Bool: { 'aws:SecureTransport': true } },
      resources: ['arn:aws:s3:::b/*'],
      actions: ['s3:GetObject'],
      sid: 'Read',
    });
    expect(Object.keys(s)).toEqual(['Sid', 'Effect', 'Action', 'Resource', 'Condition']);
    expect(s).toEqual({
      Sid: 'Read',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    });
  });

  it('sorts and de-duplicates lists; actions case-insensitively', () => {
    const s = statement({
      actions: ['ec2:DescribeImages', 'autoscaling:SetDesiredCapacity', 'EC2:describeimages'],
      resources: ['b', 'a', 'b'],
    });
    expect(s.Action).toEqual(['autoscaling:SetDesiredCapacity', 'ec2:DescribeImages']);
    expect(s.Resource).toEqual(['a', 'b']);
  });

  it('writes principals with sorted types and values', () => {
    const s = statement({
      principals: {
        Service: ['ec2.amazonaws.com'],
        AWS: ['arn:aws:iam::123456789012:role/b', 'arn:aws:iam::123456789012:role/a'],
      },
      actions: 'sts:AssumeRole',
    });
    expect(JSON.stringify(s.Principal)).toBe(
      '{"AWS":["arn:aws:iam::123456789012:role/a","arn:aws:iam::123456789012:role/b"],"Service":"ec2.amazonaws.com"}',
    );
  });

  it('accepts every typed condition operator form, numbers and booleans as strings', () => {
    const s = statement({
      actions: 's3:GetObject',
      resources: '*',
      conditions: {
        'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['b*', 'a*'] },
        NumericLessThanEquals: { 's3:max-keys': 10 },
        DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
        IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
        NotIpAddress: { 'aws:SourceIp': '10.1.0.0/16' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:eks:*:123456789012:cluster/*' },
        Null: { 'aws:ResourceTag/team': false },
        'ForAllValues:StringEquals': { 'aws:TagKeys': 'team' },
      },
    });
    expect(Object.keys(s.Condition ?? {})).toEqual([
      'ArnLike',
      'DateGreaterThan',
      'ForAllValues:StringEquals',
      'ForAnyValue:StringLikeIfExists',
      'IpAddress',
      'NotIpAddress',
      'Null',
      'NumericLessThanEquals',
    ]);
    expect(s.Condition?.NumericLessThanEquals).toEqual({ 's3:max-keys': '10' });
    expect(s.Condition?.['ForAnyValue:StringLikeIfExists']).toEqual({ 'aws:TagKeys': ['a*', 'b*'] });
    expect(s.Condition?.Null).toEqual({ 'aws:ResourceTag/team': 'false' });
  });

  it('knows the condition operators', () => {
    expect(isConditionOperator('StringEquals')).toBe(true);
    expect(isConditionOperator('ForAllValues:ArnNotLikeIfExists')).toBe(true);
    expect(isConditionOperator('NullIfExists')).toBe(false);
    expect(isConditionOperator('StringEqual')).toBe(false);
    expect(isConditionOperator('ForSomeValues:StringEquals')).toBe(false);
  });

  it('refuses bad input, naming the field', () => {
    expect(fieldOf(() => statement({ resources: '*' }))).toBe('statement.Action');
    expect(
      fieldOf(() =>
        statement({ actions: 'ec2:DescribeImages', notActions: 'ec2:RunInstances', resources: '*' }),
      ),
    ).toBe('statement.NotAction');
    expect(fieldOf(() => statement({ actions: ['s3:GetObject', 'GetObject'], resources: '*' }))).toBe(
      'statement.Action[1]',
    );
    expect(fieldOf(() => statement({ actions: [], resources: '*' }))).toBe('statement.Action');
    expect(fieldOf(() => statement({ actions: 's3:GetObject', resources: ['*', ' x'] }))).toBe(
      'statement.Resource[1]',
    );
    expect(fieldOf(() => statement({ actions: 's3:GetObject', resources: '*', notResources: 'x' }))).toBe(
      'statement.NotResource',
    );
    expect(fieldOf(() => statement({ sid: 'has space', actions: 's3:GetObject', resources: '*' }))).toBe(
      'statement.Sid',
    );
    expect(
      fieldOf(() => statement({ effect: 'allow' as 'Allow', actions: 's3:GetObject', resources: '*' })),
    ).toBe('statement.Effect');
    expect(
      fieldOf(() =>
        statement({
          actions: 's3:GetObject',
          resources: '*',
          conditions: { StringEqual: { k: 'v' } } as never,
        }),
      ),
    ).toBe('statement.Condition.StringEqual');
    expect(
      fieldOf(() =>
        statement({ actions: 's3:GetObject', resources: '*', conditions: { StringEquals: { k: [] } } }),
      ),
    ).toBe('statement.Condition.StringEquals.k');
    expect(
      fieldOf(() =>
        statement({ actions: 's3:GetObject', resources: '*', conditions: { Null: { k: 'maybe' } } }),
      ),
    ).toBe('statement.Condition.Null.k');
    expect(
      fieldOf(() =>
        statement({
          actions: 's3:GetObject',
          resources: '*',
          conditions: { StringEquals: { k: [{}] as never } },
        }),
      ),
    ).toBe('statement.Condition.StringEquals.k[0]');
    expect(fieldOf(() => statement({ principals: { Group: 'x' } as never, actions: 'sts:AssumeRole' }))).toBe(
      'statement.Principal.Group',
    );
    expect(
      fieldOf(() =>
        statement({
          principals: { AWS: 'a' },
          notPrincipals: { AWS: 'b' },
          actions: 'sts:AssumeRole',
          effect: 'Deny',
        }),
      ),
    ).toBe('statement.NotPrincipal');
  });
});

describe('policyDocument', () => {
  const read = statement({ actions: 'ec2:DescribeImages', resources: '*' });

  it('is canonical: Version first, duplicates removed, the same JSON for the same input', () => {
    const doc = policyDocument([read, statement({ resources: '*', actions: ['ec2:DescribeImages'] })], {
      kind: 'identity',
    });
    expect(policyJson(doc)).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeImages","Resource":"*"}]}',
    );
    expect(policyJson(doc, { pretty: true })).toContain('\n  "Statement"');
  });

  it('merges compatible statements only when asked', () => {
    const a = statement({ actions: 'ec2:DescribeImages', resources: '*' });
    const b = statement({ actions: 'ec2:DescribeInstanceTypes', resources: '*' });
    const c = statement({
      actions: 'ecr:PutImage',
      resources: 'arn:aws:ecr:eu-west-1:123456789012:repository/a',
    });
    const d = statement({
      actions: 'ecr:PutImage',
      resources: 'arn:aws:ecr:eu-west-1:123456789012:repository/b',
    });
    expect(policyDocument([a, b, c, d], { kind: 'identity' }).Statement).toHaveLength(4);
    expect(policyDocument([a, b, c, d], { kind: 'identity', mergeStatements: true }).Statement).toEqual([
      { Effect: 'Allow', Action: ['ec2:DescribeImages', 'ec2:DescribeInstanceTypes'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'ecr:PutImage',
        Resource: [
          'arn:aws:ecr:eu-west-1:123456789012:repository/a',
          'arn:aws:ecr:eu-west-1:123456789012:repository/b',
        ],
      },
    ]);
  });

  it('never merges statements with a Sid or with different conditions', () => {
    const a = statement({ sid: 'A', actions: 'ec2:DescribeImages', resources: '*' });
    const b = statement({ sid: 'B', actions: 'ec2:DescribeInstanceTypes', resources: '*' });
    const c = statement({
      actions: 'autoscaling:SetDesiredCapacity',
      resources: '*',
      conditions: { StringEquals: { k: 'v' } },
    });
    const d = statement({
      actions: 'autoscaling:TerminateInstanceInAutoScalingGroup',
      resources: '*',
      conditions: { StringEquals: { k: 'w' } },
    });
    expect(mergeCompatibleStatements([a, b, c, d])).toHaveLength(4);
  });

  it('applies the kind rules with the path of the statement', () => {
    const trusted = statement({ principals: { Service: 'ec2.amazonaws.com' }, actions: 'sts:AssumeRole' });
    expect(fieldOf(() => policyDocument([read, trusted], { kind: 'identity' }))).toBe(
      'Statement[1].Principal',
    );
    expect(fieldOf(() => policyDocument([read], { kind: 'trust' }))).toBe('Statement[0].Principal');
    expect(fieldOf(() => policyDocument([read], { kind: 'resource' }))).toBe('Statement[0].Principal');
    expect(
      fieldOf(() =>
        policyDocument(
          [
            statement({
              principals: { Service: 'ec2.amazonaws.com' },
              actions: ['sts:AssumeRole', 's3:GetObject'],
            }),
          ],
          {
            kind: 'trust',
          },
        ),
      ),
    ).toBe('Statement[0].Action[0]'); // canonical order: s3:GetObject sorts first
    expect(
      fieldOf(() =>
        policyDocument(
          [
            statement({
              principals: { Service: 'ec2.amazonaws.com' },
              actions: 'sts:AssumeRole',
              resources: '*',
            }),
          ],
          {
            kind: 'trust',
          },
        ),
      ),
    ).toBe('Statement[0].Resource');
    expect(
      fieldOf(() =>
        policyDocument(
          [statement({ principals: { Service: 'ec2.amazonaws.com' }, notActions: 'sts:AssumeRole' })],
          { kind: 'trust' },
        ),
      ),
    ).toBe('Statement[0].NotAction');
    expect(
      fieldOf(() =>
        policyDocument([statement({ actions: 'sts:AssumeRole', principals: { AWS: '*' } })], {
          kind: 'trust',
        }),
      ),
    ).toBe('Statement[0].Principal.AWS');
    expect(
      fieldOf(() =>
        policyDocument([{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }], {
          kind: 'resource',
        }),
      ),
    ).toBe('Statement[0].Principal');
    expect(
      fieldOf(() =>
        policyDocument(
          [
            statement({
              actions: 'ecr:BatchGetImage',
              principals: { AWS: ['arn:aws:iam::123456789012:root', '*'] },
            }),
          ],
          { kind: 'resource' },
        ),
      ),
    ).toBe('Statement[0].Principal.AWS[0]'); // "*" sorts first
    expect(
      fieldOf(() =>
        policyDocument(
          [statement({ actions: 'ecr:BatchGetImage', notPrincipals: { AWS: '123456789012' } })],
          { kind: 'resource' },
        ),
      ),
    ).toBe('Statement[0].NotPrincipal');
    expect(
      fieldOf(() => policyDocument([statement({ actions: 'ec2:DescribeImages' })], { kind: 'identity' })),
    ).toBe('Statement[0].Resource');
  });

  it('refuses an empty list, an unknown kind and duplicate Sids', () => {
    expect(fieldOf(() => policyDocument([], { kind: 'identity' }))).toBe('Statement');
    expect(fieldOf(() => policyDocument([read], { kind: 'user' as 'identity' }))).toBe('kind');
    const a = statement({ sid: 'X', actions: 'ec2:DescribeImages', resources: '*' });
    const b = statement({ sid: 'X', actions: 'ec2:DescribeInstances', resources: '*' });
    expect(fieldOf(() => policyDocument([a, b], { kind: 'identity' }))).toBe('Statement[1].Sid');
  });

  it('refuses unknown statement keys', () => {
    expect(
      fieldOf(() =>
        policyDocument([{ Effect: 'Allow', Action: 'a:b', Resource: '*', Actions: 'x' } as never], {
          kind: 'identity',
        }),
      ),
    ).toBe('Statement[0].Actions');
  });
});
