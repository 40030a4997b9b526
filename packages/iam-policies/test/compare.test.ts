import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  decodePolicyDocument,
  diffCurrentPolicy,
  diffPolicies,
  irsaTrustPolicy,
  policiesEqual,
  policyDocument,
  policyForDisplay,
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

describe('policiesEqual (hashicorp/awspolicyequivalence rules, docs/AWS-FACTS.md#iam-policy-equivalence)', () => {
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

const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

describe('policiesEqual sees every single difference', () => {
  const cases: [string, unknown, unknown][] = [
    [
      'condition value',
      policy({ ...allow, Condition: { StringEquals: { 'aws:SourceAccount': 'a' } } }),
      policy({ ...allow, Condition: { StringEquals: { 'aws:SourceAccount': 'b' } } }),
    ],
    [
      'a condition vs none',
      policy({ ...allow, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
      policy(allow),
    ],
    [
      'condition operator case (operators are case-sensitive)',
      policy({ ...allow, Condition: { StringLike: { 'aws:SourceAccount': 'a' } } }),
      policy({ ...allow, Condition: { StringEquals: { 'aws:SourceAccount': 'a' } } }),
    ],
    [
      'condition value case under StringEquals',
      policy({ ...allow, Condition: { StringEquals: { 'aws:SourceAccount': 'A' } } }),
      policy({ ...allow, Condition: { StringEquals: { 'aws:SourceAccount': 'a' } } }),
    ],
    [
      'resource case',
      policy({ ...allow, Resource: 'arn:aws:s3:::B' }),
      policy({ ...allow, Resource: 'arn:aws:s3:::b' }),
    ],
    [
      'Action vs NotAction',
      policy(allow),
      policy({ Effect: 'Allow', NotAction: 's3:GetObject', Resource: '*' }),
    ],
    [
      'Resource vs NotResource',
      policy(allow),
      policy({ Effect: 'Allow', Action: 's3:GetObject', NotResource: '*' }),
    ],
    ['no Resource vs Resource', policy(allow), policy({ Effect: 'Allow', Action: 's3:GetObject' })],
    [
      'Principal vs NotPrincipal',
      policy({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*' }),
      policy({ Effect: 'Deny', NotPrincipal: { AWS: '*' }, Action: 's3:*' }),
    ],
    [
      'principal type',
      policy({ Effect: 'Allow', Principal: { Service: 'a.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      policy({ Effect: 'Allow', Principal: { Federated: 'a.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    ],
    ['Version', policy(allow), { Version: '2008-10-17', Statement: [allow] }],
    ['Id', { ...policy(allow), Id: 'a' }, { ...policy(allow), Id: 'b' }],
    ['Sid', policy({ ...allow, Sid: 'A' }), policy({ ...allow, Sid: 'B' })],
    ['an extra statement', policy(allow), policy(allow, { ...allow, Effect: 'Deny' })],
  ];
  it.each(cases)('%s', (_, a, b) => {
    expect(policiesEqual(a as never, b as never)).toBe(false);
    expect(policiesEqual(b as never, a as never)).toBe(false);
    expect(policiesEqual(a as never, a as never)).toBe(true);
  });
});

describe('policiesEqual normalises exactly as IAM does', () => {
  const cases: [string, unknown, unknown][] = [
    ['action case', policy(allow), policy({ ...allow, Action: ['S3:getobject'] })],
    [
      'condition key case',
      policy({ ...allow, Condition: { StringEquals: { 'aws:SourceAccount': 'a' } } }),
      policy({ ...allow, Condition: { StringEquals: { 'AWS:sourceaccount': ['a'] } } }),
    ],
    [
      'value case under StringEqualsIgnoreCase',
      policy({ ...allow, Condition: { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'Blue' } } }),
      policy({ ...allow, Condition: { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'blue' } } }),
    ],
    ['an empty Condition', policy(allow), policy({ ...allow, Condition: {} })],
    ['duplicates', policy(allow), policy({ ...allow, Action: ['s3:GetObject', 's3:GetObject'] }, allow)],
    ['Id as the same string', { ...policy(allow), Id: 'x' }, { Id: 'x', ...policy(allow) }],
    ['missing Version is 2008-10-17', { Statement: [allow] }, { Version: '2008-10-17', Statement: allow }],
  ];
  it.each(cases)('%s', (_, a, b) => {
    expect(policiesEqual(a as never, b as never)).toBe(true);
  });
});

describe('policiesEqual refuses malformed documents, naming the field', () => {
  const cases: [string, unknown, string][] = [
    ['a string Condition', policy({ ...allow, Condition: 'x' }), 'a.Statement[0].Condition'],
    ['a statement 42', policy(42), 'a.Statement[0]'],
    ['a statement {}', policy({}), 'a.Statement[0].Effect'],
    ['an array Id', { ...policy(allow), Id: ['x'] }, 'a.Id'],
    ['a number Version', { Version: 2012, Statement: [allow] }, 'a.Version'],
    ['an unknown document key', { ...policy(allow), Statements: [] }, 'a.Statements'],
    ['an unknown statement key', policy({ ...allow, Effects: 'Allow' }), 'a.Statement[0].Effects'],
    [
      'a __proto__ principal',
      JSON.parse(
        '{"Statement":[{"Effect":"Allow","Principal":{"__proto__":{"AWS":"*"}},"Action":"sts:AssumeRole"}]}',
      ),
      'a.Statement[0].Principal.__proto__',
    ],
    [
      'a __proto__ statement key',
      JSON.parse('{"Statement":[{"Effect":"Allow","Action":"s3:*","__proto__":{"Condition":{}}}]}'),
      'a.Statement[0].__proto__',
    ],
    ['a string principal other than *', policy({ ...allow, Principal: 'me' }), 'a.Statement[0].Principal'],
    ['an empty action list', policy({ ...allow, Action: [] }), 'a.Statement[0].Action'],
    ['a number action', policy({ ...allow, Action: [1] }), 'a.Statement[0].Action[0]'],
    ['an action without service', policy({ ...allow, Action: 'GetObject' }), 'a.Statement[0].Action'],
    ['no action', policy({ Effect: 'Allow', Resource: '*' }), 'a.Statement[0].Action'],
    ['Action and NotAction', policy({ ...allow, NotAction: 's3:*' }), 'a.Statement[0].NotAction'],
    [
      'an unknown operator',
      policy({ ...allow, Condition: { stringequals: { 'aws:x': 'a' } } }),
      'a.Statement[0].Condition.stringequals',
    ],
    [
      'an empty operator block',
      policy({ ...allow, Condition: { StringEquals: {} } }),
      'a.Statement[0].Condition.StringEquals',
    ],
    [
      'a condition key without prefix',
      policy({ ...allow, Condition: { StringEquals: { __proto__: null, SourceAccount: 'a' } } }),
      'a.Statement[0].Condition.StringEquals',
    ],
    [
      'two condition keys equal but for case',
      policy({ ...allow, Condition: { StringEquals: { 'aws:A': 'a', 'AWS:a': 'b' } } }),
      'a.Statement[0].Condition.StringEquals.AWS:a',
    ],
    [
      'an object condition value',
      policy({ ...allow, Condition: { StringEquals: { 'aws:A': { x: 1 } } } }),
      'a.Statement[0].Condition.StringEquals.aws:A',
    ],
    [
      'a null condition value',
      policy({ ...allow, Condition: { StringEquals: { 'aws:A': [null] } } }),
      'a.Statement[0].Condition.StringEquals.aws:A[0]',
    ],
  ];
  it.each(cases)('%s', (_, bad, field) => {
    let caught: unknown;
    try {
      policiesEqual(bad as never, policy(allow));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).field.startsWith(field)).toBe(true);
    expect((caught as Error).message.split('\n')).toHaveLength(1);
  });

  it('never reads inherited properties', () => {
    const inherited = Object.create({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    Object.assign(inherited, allow);
    expect(() => policiesEqual(policy(inherited), policy(allow))).toThrow(InvalidInputError);
  });
});

describe('diffCurrentPolicy: a malformed document from AWS is drift, not a crash', () => {
  it('reports the malformed current document and adds every desired statement', () => {
    const d = diffCurrentPolicy('{"Statement":[42]}', policy(allow));
    expect(d.equal).toBe(false);
    expect(d.malformed).toContain('current.Statement[0]');
    expect(d.added).toEqual([allow]);
    expect(d.summary).toContain('malformed');
  });
  it('still refuses a malformed desired document', () => {
    expect(() => diffCurrentPolicy(policy(allow), policy(42) as never)).toThrow(InvalidInputError);
  });
  it('equal documents are equal', () => {
    expect(diffCurrentPolicy(JSON.stringify(policy(allow)), policy(allow)).equal).toBe(true);
  });
  it('policyForDisplay never throws', () => {
    expect(policyForDisplay('%E0%A4%A')).toBe('%E0%A4%A');
    expect(policyForDisplay('{"Statement":[42]}')).toEqual({ Statement: [42] });
  });
});
