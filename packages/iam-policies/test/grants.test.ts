import { AttachRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  checkRoleGrants,
  ensureRole,
  irsaTrustPolicy,
  overBroadGrants,
  policyDocument,
  policyJson,
  statement,
} from '../src/index.js';
import { FAST_RETRY, PROVIDER_ARN, useIamEmulator } from './support/emulator.js';

const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

describe('overBroadGrants', () => {
  it.each([
    ['every action', doc({ Effect: 'Allow', Action: '*', Resource: '*' }), /allows every action \(\*\)/],
    ['iam:*', doc({ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::1:role/x' }), /allows iam:\*/],
    ['NotAction', doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), /NotAction/],
    [
      'a write on * without a condition',
      doc({ Effect: 'Allow', Action: ['autoscaling:SetDesiredCapacity'], Resource: '*' }),
      /allows autoscaling:SetDesiredCapacity on Resource "\*" without a condition/,
    ],
    [
      'a service wildcard on *',
      doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }),
      /ec2:\* on Resource/,
    ],
  ])('%s', (_name, policy, reason) => {
    expect(overBroadGrants(policy).join('; ')).toMatch(reason);
  });

  it.each([
    [
      'reads on *',
      doc({ Effect: 'Allow', Action: ['ec2:DescribeImages', 'autoscaling:Describe*'], Resource: '*' }),
    ],
    [
      'a write on * with a condition (the autoscaler policy)',
      doc({
        Effect: 'Allow',
        Action: 'autoscaling:SetDesiredCapacity',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' } },
      }),
    ],
    [
      'a write on one ARN',
      doc({ Effect: 'Allow', Action: 'ecr:PutImage', Resource: 'arn:aws:ecr:eu-west-1:1:repository/a' }),
    ],
    ['a Deny', doc({ Effect: 'Deny', Action: '*', Resource: '*' })],
  ])('not over-broad: %s', (_name, policy) => {
    expect(overBroadGrants(policy)).toEqual([]);
  });

  it('resource policies: anyone without a condition, ecr:*', () => {
    expect(
      overBroadGrants(doc({ Effect: 'Allow', Principal: '*', Action: 'ecr:*' }), { resource: true }),
    ).toEqual(['allows anyone (Principal "*") without a condition', 'allows ecr:*']);
    expect(
      overBroadGrants(
        doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: 'ecr:BatchGetImage' }),
        {
          resource: true,
        },
      ),
    ).toEqual([]);
  });
});

describe('checkRoleGrants against the emulator', () => {
  let emu: Emulator;
  let clients: AwsClients;
  useIamEmulator((e, c) => {
    emu = e;
    clients = c;
  });

  const own = policyDocument([statement({ actions: 'ec2:DescribeImages', resources: '*' })], {
    kind: 'identity',
  });
  const spec = {
    name: 'ca',
    trust: irsaTrustPolicy({ oidcProviderArn: PROVIDER_ARN }, 'kube-system', 'ca'),
    inlinePolicies: { own },
    stack: 'prod',
  };

  it('fails on each hand-made policy that grants more, naming it; reads only', async () => {
    await ensureRole(clients, spec, FAST_RETRY);
    const iam = await clients.iam();
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'ca',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: 'ca', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'ca',
        PolicyName: 'by-hand',
        PolicyDocument: policyJson(doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }) as never),
      }),
    );
    emu.resetCalls();
    const findings = await checkRoleGrants(clients, { name: 'ca', stack: 'prod', inlinePolicies: ['own'] });
    expect(findings.map((f) => `${f.status} ${f.message}`)).toEqual([
      expect.stringMatching(/^fail inline policy by-hand grants more than stack prod's own: allows iam:\*/),
      expect.stringMatching(
        /^fail managed policy arn:aws:iam::aws:policy\/AdministratorAccess grants more than stack prod's own: allows every action/,
      ),
    ]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('ok when nothing grants more; nothing for a role it does not own', async () => {
    await ensureRole(clients, spec, FAST_RETRY);
    expect(
      (await checkRoleGrants(clients, { name: 'ca', stack: 'prod', inlinePolicies: ['own'] })).map(
        (f) => f.status,
      ),
    ).toEqual(['ok']);
    expect(await checkRoleGrants(clients, { name: 'ca', stack: 'other', inlinePolicies: ['own'] })).toEqual(
      [],
    );
    expect(await checkRoleGrants(clients, { name: 'nobody', stack: 'prod', inlinePolicies: [] })).toEqual([]);
  });
});
