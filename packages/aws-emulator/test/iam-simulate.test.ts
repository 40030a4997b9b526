import {
  CreatePolicyCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/checks`;

describe('IAM SimulatePrincipalPolicy through @aws-sdk/client-iam', () => {
  let emu: Emulator;
  let iam: IAMClient;
  beforeAll(async () => {
    emu = await startTestEmulator({
      seed: {
        accountId: ACCOUNT,
        iam: {
          roles: [
            {
              name: 'checks',
              inlinePolicies: {
                read: {
                  Version: '2012-10-17',
                  Statement: [
                    { Effect: 'Allow', Action: ['iam:Get*', 'acm:DescribeCertificate'], Resource: '*' },
                    {
                      Effect: 'Allow',
                      Action: 'ssm:GetParameter',
                      Resource: `arn:aws:ssm:*:${ACCOUNT}:parameter/eks-kit/*`,
                    },
                    { Effect: 'Deny', Action: 'iam:GetRolePolicy', Resource: '*' },
                    {
                      Effect: 'Allow',
                      Action: 'eks:DescribeCluster',
                      Resource: '*',
                      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
                    },
                  ],
                },
              },
            },
          ],
        },
      },
    });
    iam = new IAMClient(clientConfig(emu, { region: 'us-east-1' }));
  });
  afterAll(async () => {
    iam.destroy();
    await emu.stop();
  });

  const decisions = async (actions: string[], resources?: string[]) => {
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: ROLE,
        ActionNames: actions,
        ...(resources ? { ResourceArns: resources } : {}),
      }),
    );
    return (out.EvaluationResults ?? []).map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision]);
  };

  it('allows by wildcard action, denies explicitly, and implicitly denies what no statement grants', async () => {
    expect(
      await decisions(['IAM:GetRole', 'acm:DescribeCertificate', 'iam:GetRolePolicy', 'sns:Publish']),
    ).toEqual([
      ['IAM:GetRole', '*', 'allowed'],
      ['acm:DescribeCertificate', '*', 'allowed'],
      ['iam:GetRolePolicy', '*', 'explicitDeny'],
      ['sns:Publish', '*', 'implicitDeny'],
    ]);
  });

  it('matches resources, and leaves out statements whose condition it cannot satisfy', async () => {
    expect(
      await decisions(
        ['ssm:GetParameter'],
        [
          `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/eks-kit/prod/stack`,
          `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/other`,
        ],
      ),
    ).toEqual([
      ['ssm:GetParameter', `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/eks-kit/prod/stack`, 'allowed'],
      ['ssm:GetParameter', `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/other`, 'implicitDeny'],
    ]);
    expect(await decisions(['eks:DescribeCluster'])).toEqual([['eks:DescribeCluster', '*', 'implicitDeny']]);
  });

  it('names the matched policy, and lets a permissions boundary take an allowed action away', async () => {
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: ROLE, ActionNames: ['iam:GetRole'] }),
    );
    expect(out.EvaluationResults?.[0]?.MatchedStatements?.map((m) => m.SourcePolicyId)).toEqual(['read']);
    const boundary = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'acm-only',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'acm:*', Resource: '*' }],
        }),
      }),
    );
    await iam.send(
      new PutRolePermissionsBoundaryCommand({
        RoleName: 'checks',
        PermissionsBoundary: boundary.Policy?.Arn as string,
      }),
    );
    expect(await decisions(['iam:GetRole', 'acm:DescribeCertificate'])).toEqual([
      ['iam:GetRole', '*', 'implicitDeny'],
      ['acm:DescribeCertificate', '*', 'allowed'],
    ]);
  });

  it('answers NoSuchEntity for an unknown role', async () => {
    const error = await failure(
      iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/nope`,
          ActionNames: ['iam:GetRole'],
        }),
      ),
    );
    expect(error.name).toMatch(/^NoSuchEntity/);
  });
});
