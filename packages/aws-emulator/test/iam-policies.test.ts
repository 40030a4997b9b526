import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  GetAccountSummaryCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
const ISSUER = 'https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const doc = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describe('IAM managed policies and OIDC providers through @aws-sdk/client-iam', () => {
  let emu: Emulator;
  let iam: IAMClient;
  beforeAll(async () => {
    emu = await startTestEmulator({ seed: { accountId: ACCOUNT, iam: { oidcProviders: [ISSUER] } } });
    iam = new IAMClient(clientConfig(emu, { region: 'us-east-1' }));
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  it('creates a policy, keeps at most 5 versions, returns version documents URL-encoded', async () => {
    const created = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'push',
        Path: '/eks-kit/',
        PolicyDocument: doc('ecr:PutImage'),
        Description: 'push images',
        Tags: [{ Key: 'eks-kit:stack', Value: 'prod' }],
      }),
    );
    const arn = created.Policy?.Arn as string;
    expect(arn).toBe(`arn:aws:iam::${ACCOUNT}:policy/eks-kit/push`);
    expect(created.Policy).toMatchObject({ DefaultVersionId: 'v1', AttachmentCount: 0, IsAttachable: true });
    for (let i = 2; i <= 5; i++) {
      const v = await iam.send(
        new CreatePolicyVersionCommand({
          PolicyArn: arn,
          PolicyDocument: doc(`ecr:Put${i}`),
          SetAsDefault: i === 5,
        }),
      );
      expect(v.PolicyVersion).toMatchObject({ VersionId: `v${i}`, IsDefaultVersion: i === 5 });
    }
    const sixth = await failure(
      iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('x:y') })),
    );
    expect(sixth).toMatchObject({ name: 'LimitExceededException', $metadata: { httpStatusCode: 409 } });
    expect(sixth.message).toContain('A managed policy can have up to 5 versions');

    const v5 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' }));
    expect(v5.PolicyVersion?.Document).not.toContain('{');
    expect(decodeURIComponent(v5.PolicyVersion?.Document as string)).toBe(doc('ecr:Put5'));
    const listed = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(listed.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ['v5', true],
      ['v4', false],
      ['v3', false],
      ['v2', false],
      ['v1', false],
    ]);

    const def = await failure(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' })));
    expect(def).toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete the default version of a policy.',
    });
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    // version ids are never reused
    const v6 = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('a:b') }));
    expect(v6.PolicyVersion?.VersionId).toBe('v6');
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v6' }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId).toBe('v6');
  });

  it('a managed policy over 6,144 characters without whitespace is LimitExceeded', async () => {
    const sized = (n: number) => doc(`s3:${'G'.repeat(n)}`);
    const overhead = sized(0).length;
    await iam.send(
      new CreatePolicyCommand({ PolicyName: 'fits', PolicyDocument: `  ${sized(6144 - overhead)}  \n` }),
    );
    const err = await failure(
      iam.send(new CreatePolicyCommand({ PolicyName: 'big', PolicyDocument: sized(6145 - overhead) })),
    );
    expect(err).toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for PolicySize: 6144',
    });
  });

  it('policy names: EntityAlreadyExists 409, ValidationError over 128 characters', async () => {
    await iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: doc('s3:Get') }));
    const dup = await failure(
      iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: doc('s3:Get') })),
    );
    expect(dup).toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'A policy called p already exists. Duplicate names are not allowed.',
      $metadata: { httpStatusCode: 409 },
    });
    const long = await failure(
      iam.send(new CreatePolicyCommand({ PolicyName: 'p'.repeat(129), PolicyDocument: doc('s3:Get') })),
    );
    expect(long.name).toBe('ValidationError');
  });

  it('ListPolicies Scope Local lists only customer policies; AWS managed ones exist', async () => {
    await iam.send(new CreatePolicyCommand({ PolicyName: 'mine', PolicyDocument: doc('s3:Get') }));
    const local = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(local.Policies?.map((p) => p.PolicyName)).toEqual(['mine']);
    const aws = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 100 }));
    expect(aws.Policies?.map((p) => p.Arn)).toContain('arn:aws:iam::aws:policy/ReadOnlyAccess');
    const ro = await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    expect(ro.Policy?.PolicyName).toBe('ReadOnlyAccess');
  });

  it('DeletePolicy refuses attached policies and unknown ARNs are NoSuchEntity', async () => {
    const arn = (
      await iam.send(new CreatePolicyCommand({ PolicyName: 'att', PolicyDocument: doc('s3:Get') }))
    ).Policy?.Arn as string;
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'r',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: arn }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).toBe(1);
    const conflict = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
    expect(conflict).toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete a policy attached to entities.',
    });
    const missing = await failure(
      iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/none` })),
    );
    expect(missing).toMatchObject({ name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 } });
  });

  it('OIDC providers: ARN oidc-provider/<host/path>, get, list, duplicates, delete', async () => {
    const seeded = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([
      { Arn: seeded },
    ]);
    const url = 'https://oidc.eks.us-west-2.amazonaws.com/id/B0B0';
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['sts.amazonaws.com'] }),
    );
    const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/B0B0`;
    expect(created.OpenIDConnectProviderArn).toBe(arn);
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(got).toMatchObject({
      Url: 'oidc.eks.us-west-2.amazonaws.com/id/B0B0',
      ClientIDList: ['sts.amazonaws.com'],
    });
    const dup = await failure(
      iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['sts.amazonaws.com'] })),
    );
    expect(dup).toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: `Provider with url ${url} already exists.`,
    });
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    const gone = await failure(
      iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
    );
    expect(gone).toMatchObject({ name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 } });
  });

  it('GetAccountSummary gives AssumeRolePolicySizeQuota (2048 unless behaviour says otherwise)', async () => {
    const summary = await iam.send(new GetAccountSummaryCommand({}));
    expect(summary.SummaryMap).toMatchObject({ AssumeRolePolicySizeQuota: 2048, Providers: 1, Roles: 0 });
    emu.behaviour.iamAssumeRolePolicySizeQuota = 4096;
    try {
      const raised = await iam.send(new GetAccountSummaryCommand({}));
      expect(raised.SummaryMap?.AssumeRolePolicySizeQuota).toBe(4096);
    } finally {
      emu.behaviour.iamAssumeRolePolicySizeQuota = 2048;
    }
  });
});
