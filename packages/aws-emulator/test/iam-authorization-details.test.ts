/**
 * GetAccountAuthorizationDetails through @aws-sdk/client-iam (the SDK's own awsQuery deserializer):
 * Filter, MaxItems/Marker pagination, RoleDetail with Tags, RolePolicyList, AttachedManagedPolicies and
 * the URL-encoded trust policy; AccessDenied for a caller denied the action; a throttle fault.
 */
import {
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  paginateGetAccountAuthorizationDetails,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
const TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};
const INLINE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }],
};
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

describe('IAM GetAccountAuthorizationDetails through @aws-sdk/client-iam', () => {
  let emu: Emulator;
  let iam: IAMClient;
  beforeAll(async () => {
    emu = await startTestEmulator({
      seed: {
        accountId: ACCOUNT,
        identities: {
          AKIDNOGAAD: {
            arn: `arn:aws:iam::${ACCOUNT}:role/old-checker`,
            deny: ['iam:GetAccountAuthorizationDetails'],
          },
        },
        iam: {
          roles: [
            {
              name: 'app',
              path: '/apps/',
              tags: { 'eks-kit:stack': 'prod', team: 'a' },
              assumeRolePolicyDocument: TRUST,
              inlinePolicies: { push: INLINE },
              attachedPolicyArns: [READ_ONLY],
            },
            { name: 'bare' },
            ...Array.from({ length: 5 }, (_, i) => ({ name: `many-${i}`, tags: { n: String(i) } })),
          ],
        },
      },
    });
    iam = new IAMClient(clientConfig(emu, { region: 'us-east-1' }));
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  it('answers each role with its tags, inline policies (URL-encoded), attachments and trust (URL-encoded)', async () => {
    const out = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    expect(out.IsTruncated).toBe(false);
    expect(out.UserDetailList).toEqual([]);
    expect(out.GroupDetailList).toEqual([]);
    expect(out.Policies).toEqual([]);
    expect(out.RoleDetailList?.map((r) => r.RoleName)).toEqual([
      'app',
      'bare',
      'many-0',
      'many-1',
      'many-2',
      'many-3',
      'many-4',
    ]);
    const app = out.RoleDetailList?.[0];
    expect(app).toMatchObject({
      Path: '/apps/',
      Arn: `arn:aws:iam::${ACCOUNT}:role/apps/app`,
      RoleId: expect.stringMatching(/^AROA/),
      Tags: [
        { Key: 'eks-kit:stack', Value: 'prod' },
        { Key: 'team', Value: 'a' },
      ],
      RolePolicyList: [{ PolicyName: 'push', PolicyDocument: expect.stringMatching(/^%7B%22Version%22/) }],
      AttachedManagedPolicies: [{ PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY }],
      InstanceProfileList: [],
    });
    expect(app?.CreateDate).toBeInstanceOf(Date);
    // IAM sends policy documents URL-encoded (RFC 3986); SDK v3 hands them over undecoded.
    expect(app?.AssumeRolePolicyDocument).toMatch(/^%7B%22Version%22/);
    expect(JSON.parse(decodeURIComponent(app?.AssumeRolePolicyDocument ?? ''))).toEqual(TRUST);
    expect(JSON.parse(decodeURIComponent(app?.RolePolicyList?.[0]?.PolicyDocument ?? ''))).toEqual(INLINE);
    expect(out.RoleDetailList?.[1]?.Tags).toEqual([]);
  });

  it('pages with MaxItems and Marker (IsTruncated), and the SDK paginator follows them', async () => {
    const first = await iam.send(
      new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'], MaxItems: 3 }),
    );
    expect(first.RoleDetailList?.map((r) => r.RoleName)).toEqual(['app', 'bare', 'many-0']);
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toEqual(expect.any(String));
    const names: string[] = [];
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: 3 },
      { Filter: ['Role'] },
    ))
      names.push(...(page.RoleDetailList ?? []).map((r) => r.RoleName ?? ''));
    expect(names).toHaveLength(7);
    expect(emu.calls({ service: 'iam', operation: 'GetAccountAuthorizationDetails' })).toHaveLength(4);
    expect(
      emu.calls({ service: 'iam', operation: 'GetAccountAuthorizationDetails' })[1]?.input,
    ).toMatchObject({
      Filter: ['Role'],
      MaxItems: '3',
    });
  });

  it('filters by entity type: managed policies come with their versions, roles only when asked', async () => {
    const out = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['AWSManagedPolicy'] }));
    expect(out.RoleDetailList).toEqual([]);
    const readOnly = out.Policies?.find((p) => p.Arn === READ_ONLY);
    expect(readOnly).toMatchObject({ AttachmentCount: 1, DefaultVersionId: 'v1' });
    expect(readOnly?.PolicyVersionList?.[0]).toMatchObject({ VersionId: 'v1', IsDefaultVersion: true });
    const every = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 1000 }));
    expect(every.RoleDetailList).toHaveLength(7);
    expect(every.Policies?.length).toBeGreaterThan(0);
  });

  it('refuses an unknown filter value and a MaxItems over 1000 (ValidationError)', async () => {
    const bad = await failure(
      iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Roles' as 'Role'] })),
    );
    expect(bad.name).toBe('ValidationError');
    const big = await failure(iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 1001 })));
    expect(big.name).toBe('ValidationError');
  });

  it('is AccessDenied for a caller denied iam:GetAccountAuthorizationDetails', async () => {
    const denied = new IAMClient(clientConfig(emu, { region: 'us-east-1', accessKeyId: 'AKIDNOGAAD' }));
    const err = await failure(denied.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] })));
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toContain('iam:GetAccountAuthorizationDetails');
    denied.destroy();
  });

  it('can be throttled by a fault rule; the SDK retries it', async () => {
    emu.setFaults([
      { service: 'iam', operation: 'GetAccountAuthorizationDetails', kind: 'throttle', count: 1 },
    ]);
    const retrying = new IAMClient(clientConfig(emu, { region: 'us-east-1', maxAttempts: 3 }));
    const out = await retrying.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    expect(out.RoleDetailList).toHaveLength(7);
    expect(
      emu.calls({ service: 'iam', operation: 'GetAccountAuthorizationDetails' }).map((c) => c.status),
    ).toEqual([400, 200]);
    retrying.destroy();
  });
});
