import { describe, expect, it } from 'vitest';
import {
  lookupAction,
  POLICY_SIZE_LIMITS,
  type PolicyDocument,
  policyDocument,
  policySize,
  statement,
  validateIamPath,
  validateInlinePolicies,
  validatePolicy,
  validatePolicyName,
  validateRoleName,
} from '../src/index.js';
import { fieldOf, rejection } from './support/invalid-input.js';

const identity = (...s: ReturnType<typeof statement>[]): PolicyDocument =>
  policyDocument(s, { kind: 'identity' });

/** A document of about `size` characters (statements of distinct read-only resources). */
function documentOfSize(size: number): PolicyDocument {
  const resources: string[] = [];
  let doc = identity(statement({ actions: 's3:GetObject', resources: 'arn:aws:s3:::b/0' }));
  for (let i = 0; policySize(doc) < size; i++) {
    resources.push(`arn:aws:s3:::bucket-${String(i).padStart(6, '0')}/*`);
    doc = identity(statement({ actions: 's3:GetObject', resources }));
  }
  return doc;
}

describe('validatePolicy', () => {
  it('accepts the cluster autoscaler policy (writes restricted by tag conditions)', async () => {
    const doc = identity(
      statement({
        actions: [
          'autoscaling:DescribeAutoScalingGroups',
          'ec2:DescribeImages',
          'ec2:DescribeLaunchTemplateVersions',
          'eks:DescribeNodegroup',
        ],
        resources: '*',
      }),
      statement({
        actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        resources: '*',
        conditions: {
          StringEquals: {
            'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true',
            'aws:ResourceTag/k8s.io/cluster-autoscaler/prod': 'owned',
          },
        },
      }),
    );
    await expect(validatePolicy(doc, { kind: 'identity', managed: true })).resolves.toBeUndefined();
  });

  it('refuses an unknown action and suggests the nearest name (service authorization reference, iam-data)', async () => {
    const e = await rejection(
      validatePolicy(
        identity(statement({ actions: ['ec2:DescribeImages', 'ec2:DescribeInstance'], resources: '*' })),
        { kind: 'identity' },
      ),
    );
    expect(e.field).toBe('Statement[0].Action[1]');
    expect(e.message).toContain('did you mean ec2:DescribeInstances?');
    expect(e.hint).toBe('did you mean ec2:DescribeInstances?');
  });

  it('refuses an unknown service and suggests the nearest one', async () => {
    const e = await rejection(
      validatePolicy(
        identity(statement({ actions: 'autoscalling:DescribeAutoScalingGroups', resources: '*' })),
        { kind: 'identity' },
      ),
    );
    expect(e.field).toBe('Statement[0].Action');
    expect(e.message).toContain('autoscaling:DescribeAutoScalingGroups');
  });

  it('refuses a pattern that matches no action, accepts one that does', async () => {
    await expect(
      validatePolicy(identity(statement({ actions: 'ec2:Describe*', resources: '*' })), { kind: 'identity' }),
    ).resolves.toBeUndefined();
    const e = await rejection(
      validatePolicy(identity(statement({ actions: 'ec2:Descrbe*', resources: '*' })), { kind: 'identity' }),
    );
    expect(e.field).toBe('Statement[0].Action');
  });

  it('refuses a write action on Resource "*" without a condition', async () => {
    const e = await rejection(
      validatePolicy(
        identity(
          statement({ actions: ['ec2:DescribeImages', 'autoscaling:SetDesiredCapacity'], resources: '*' }),
        ),
        { kind: 'identity' },
      ),
    );
    expect(e.field).toBe('Statement[0].Action[0]');
    expect(e.value).toBe('autoscaling:SetDesiredCapacity');
  });

  it('refuses wildcards that include writes on "*": service:* and *', async () => {
    expect(
      (
        await rejection(
          validatePolicy(identity(statement({ actions: 'ec2:*', resources: '*' })), { kind: 'identity' }),
        )
      ).field,
    ).toBe('Statement[0].Action');
    expect(
      (
        await rejection(
          validatePolicy(identity(statement({ actions: '*', resources: '*' })), { kind: 'identity' }),
        )
      ).field,
    ).toBe('Statement[0].Action');
  });

  it('refuses Allow with NotAction or NotResource without a condition', async () => {
    expect(
      (
        await rejection(
          validatePolicy(identity(statement({ notActions: 'iam:*', resources: '*' })), { kind: 'identity' }),
        )
      ).field,
    ).toBe('Statement[0].NotAction');
    expect(
      (
        await rejection(
          validatePolicy(identity(statement({ actions: 's3:PutObject', notResources: 'arn:aws:s3:::x/*' })), {
            kind: 'identity',
          }),
        )
      ).field,
    ).toBe('Statement[0].Action');
  });

  it('allows a write scoped to resources, a Deny on "*", and a write that supports no resource-level permission', async () => {
    await expect(
      validatePolicy(identity(statement({ actions: 's3:PutObject', resources: 'arn:aws:s3:::bucket/*' })), {
        kind: 'identity',
      }),
    ).resolves.toBeUndefined();
    await expect(
      validatePolicy(identity(statement({ effect: 'Deny', actions: 's3:*', resources: '*' })), {
        kind: 'identity',
      }),
    ).resolves.toBeUndefined();
    // iam:CreateAccountAlias has no resource type in the reference: "*" is the only way to grant it.
    await expect(
      validatePolicy(identity(statement({ actions: 'iam:CreateAccountAlias', resources: '*' })), {
        kind: 'identity',
      }),
    ).resolves.toBeUndefined();
  });

  it('checks trust actions (sts:TagSession is "Tagging, Write" but trust policies have no Resource)', async () => {
    const trust = policyDocument(
      [
        statement({
          principals: { Service: 'pods.eks.amazonaws.com' },
          actions: ['sts:AssumeRole', 'sts:TagSession'],
        }),
      ],
      { kind: 'trust' },
    );
    await expect(validatePolicy(trust, { kind: 'trust' })).resolves.toBeUndefined();
    const bad = {
      ...trust,
      Statement: [{ ...trust.Statement[0], Action: 'sts:GetCallerIdentity' }],
    } as PolicyDocument;
    expect((await rejection(validatePolicy(bad, { kind: 'trust' }))).field).toBe('Statement[0].Action');
  });

  it('applies kind rules to documents not made by policyDocument', async () => {
    const raw = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:root' },
          Action: 's3:GetObject',
          Resource: '*',
        },
      ],
    } as PolicyDocument;
    expect((await rejection(validatePolicy(raw, { kind: 'identity' }))).field).toBe('Statement[0].Principal');
    expect(
      (await rejection(validatePolicy(raw, { kind: 'identity', field: 'inlinePolicies.x' }))).field,
    ).toBe('inlinePolicies.x.Statement[0].Principal');
  });

  it('refuses another Version and an empty Statement', async () => {
    const doc = identity(statement({ actions: 's3:GetObject', resources: '*' }));
    expect(
      (
        await rejection(
          validatePolicy({ ...doc, Version: '2008-10-17' as '2012-10-17' }, { kind: 'identity' }),
        )
      ).field,
    ).toBe('Version');
    expect((await rejection(validatePolicy({ ...doc, Statement: [] }, { kind: 'identity' }))).field).toBe(
      'Statement',
    );
  });

  it('enforces the managed policy limit of 6,144 characters without whitespace', async () => {
    const doc = documentOfSize(POLICY_SIZE_LIMITS.managed + 1);
    const e = await rejection(validatePolicy(doc, { kind: 'identity', managed: true }));
    expect(e.field).toBe('policy');
    expect(e.expected).toContain('6144');
    await expect(validatePolicy(doc, { kind: 'identity', managed: false })).resolves.toBeUndefined();
    expect(policySize(doc)).toBe(JSON.stringify(doc).length);
  });

  it('enforces the trust limit of 2,048 by default and a configured one', async () => {
    const arns = Array.from({ length: 60 }, (_, i) => `arn:aws:iam::123456789012:role/node-role-${i}`);
    const trust = policyDocument([statement({ principals: { AWS: arns }, actions: 'sts:AssumeRole' })], {
      kind: 'trust',
    });
    expect(policySize(trust)).toBeGreaterThan(2048);
    const e = await rejection(validatePolicy(trust, { kind: 'trust' }));
    expect(e.expected).toContain('2048');
    expect(e.hint).toContain('AssumeRolePolicySizeQuota');
    await expect(validatePolicy(trust, { kind: 'trust', trustSizeLimit: 4096 })).resolves.toBeUndefined();
  });
});

describe('validateInlinePolicies', () => {
  it('counts inline policies together against 10,240 characters', () => {
    const half = documentOfSize(5_200);
    expect(() => validateInlinePolicies({ a: half })).not.toThrow();
    expect(fieldOf(() => validateInlinePolicies({ a: half, b: half }))).toBe('inlinePolicies');
  });
});

describe('names and paths', () => {
  it('role names: 1-64 of [\\w+=,.@-]', () => {
    expect(validateRoleName('eks-kit_ca+=,.@')).toBe('eks-kit_ca+=,.@');
    expect(validateRoleName('a'.repeat(64))).toHaveLength(64);
    expect(fieldOf(() => validateRoleName('a'.repeat(65), 'role.name'))).toBe('role.name');
    expect(fieldOf(() => validateRoleName(''))).toBe('name');
    expect(fieldOf(() => validateRoleName('ca role'))).toBe('name');
    expect(fieldOf(() => validateRoleName('ca/role'))).toBe('name');
  });

  it('policy names: 1-128', () => {
    expect(validatePolicyName('p'.repeat(128))).toHaveLength(128);
    expect(fieldOf(() => validatePolicyName('p'.repeat(129)))).toBe('policyName');
    expect(fieldOf(() => validatePolicyName('ecr push'))).toBe('policyName');
  });

  it('paths: / or /a/b/, printable ASCII, at most 512', () => {
    expect(validateIamPath('/')).toBe('/');
    expect(validateIamPath('/eks-kit/prod/')).toBe('/eks-kit/prod/');
    for (const bad of ['', 'eks-kit/', '/eks-kit', '//', '/a//b/', '/é/', `/${'a'.repeat(511)}/`])
      expect(fieldOf(() => validateIamPath(bad))).toBe('path');
  });
});

describe('lookupAction', () => {
  it('reports access levels and scopable writes', async () => {
    const read = await lookupAction('ec2:DescribeImages');
    expect(read).toMatchObject({ known: true, scopableWrites: [] });
    const write = await lookupAction('autoscaling:SetDesiredCapacity');
    expect(write.scopableWrites).toEqual(['autoscaling:SetDesiredCapacity']);
    const tag = await lookupAction('sts:TagSession');
    expect(tag.accessLevels).toEqual(['Tagging', 'Write']);
  });
});
