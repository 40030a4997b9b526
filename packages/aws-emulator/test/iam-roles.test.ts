import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  paginateListRoles,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
const trust = (principal: Record<string, unknown> = { Service: 'ec2.amazonaws.com' }) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
  });
const allow = (action = 's3:GetObject', resource = '*') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
  });

describe('IAM roles through @aws-sdk/client-iam', () => {
  let emu: Emulator;
  let iam: IAMClient;
  beforeAll(async () => {
    emu = await startTestEmulator({
      seed: {
        accountId: ACCOUNT,
        identities: {
          AKIDRO: { arn: `arn:aws:iam::${ACCOUNT}:user/readonly`, deny: ['iam:Create*', 'iam:Put*'] },
        },
        iam: { roles: [{ name: 'node', tags: { team: 'platform' } }] },
      },
    });
    iam = new IAMClient(clientConfig(emu, { region: 'us-east-1' }));
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  it('GetRole returns the trust policy RFC 3986 URL-encoded, as IAM does (aws-sdk-js-v3#1945)', async () => {
    const doc = trust({ Service: 'pods.eks.amazonaws.com' });
    const created = await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: doc }));
    expect(created.Role?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/app`);
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    const got = await iam.send(new GetRoleCommand({ RoleName: 'app' }));
    const encoded = got.Role?.AssumeRolePolicyDocument as string;
    expect(encoded).toMatch(/^%7B%22Version%22%3A%222012-10-17%22/);
    expect(encoded).not.toContain('{');
    expect(decodeURIComponent(encoded)).toBe(doc);
    expect(got.Role?.CreateDate).toBeInstanceOf(Date);
    expect(got.Role?.MaxSessionDuration).toBe(3600);
  });

  it('NoSuchEntity is 404 and EntityAlreadyExists 409 (names are case-insensitive)', async () => {
    const missing = await failure(iam.send(new GetRoleCommand({ RoleName: 'ghost' })));
    expect(missing).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name ghost cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
    const dup = await failure(
      iam.send(new CreateRoleCommand({ RoleName: 'NODE', AssumeRolePolicyDocument: trust() })),
    );
    expect(dup).toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'Role with name NODE already exists.',
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('role names are 1-64 characters of [\\w+=,.@-] (ValidationError)', async () => {
    const long = await failure(
      iam.send(new CreateRoleCommand({ RoleName: 'a'.repeat(65), AssumeRolePolicyDocument: trust() })),
    );
    expect(long.name).toBe('ValidationError');
    expect(long.message).toContain(
      "at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64",
    );
    const bad = await failure(
      iam.send(new CreateRoleCommand({ RoleName: 'a/b', AssumeRolePolicyDocument: trust() })),
    );
    expect(bad.message).toContain('Member must satisfy regular expression pattern: [\\w+=,.@-]+');
    await iam.send(new CreateRoleCommand({ RoleName: 'a'.repeat(64), AssumeRolePolicyDocument: trust() }));
  });

  it('policy names are 1-128 characters (ValidationError)', async () => {
    const err = await failure(
      iam.send(
        new PutRolePolicyCommand({ RoleName: 'node', PolicyName: 'p'.repeat(129), PolicyDocument: allow() }),
      ),
    );
    expect(err.name).toBe('ValidationError');
    expect(err.message).toContain("'policyName'");
  });

  it('MalformedPolicyDocument for invalid JSON, a missing Version or Statement, a principal in an identity policy', async () => {
    const cases = [
      ['{"Version":', 'This policy contains invalid Json'],
      ['{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}', 'Syntax errors in policy.'],
      ['{"Version":"2012-10-17"}', 'Syntax errors in policy.'],
      [
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}',
        'Policy document should not specify a principal.',
      ],
    ];
    for (const [doc, message] of cases) {
      const err = await failure(
        iam.send(new PutRolePolicyCommand({ RoleName: 'node', PolicyName: 'p', PolicyDocument: doc })),
      );
      expect(err).toMatchObject({ name: 'MalformedPolicyDocumentException', message });
    }
    const trustErr = await failure(
      iam.send(new CreateRoleCommand({ RoleName: 'x', AssumeRolePolicyDocument: '[]' })),
    );
    expect(trustErr.name).toBe('MalformedPolicyDocumentException');
  });

  it('a trust policy over 2,048 characters (whitespace not counted) is LimitExceeded ACLSizePerRole', async () => {
    const big = (n: number) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ec2.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Sid: 'x'.repeat(n),
          },
        ],
      });
    const base = big(0).length;
    const fits = big(2048 - base);
    expect(fits.length).toBe(2048);
    await iam.send(
      new CreateRoleCommand({ RoleName: 'fits', AssumeRolePolicyDocument: fits.replace(/,/g, ',   ') }),
    );
    const err = await failure(
      iam.send(new CreateRoleCommand({ RoleName: 'big', AssumeRolePolicyDocument: big(2049 - base) })),
    );
    expect(err).toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for ACLSizePerRole: 2048',
    });
  });

  it('inline policies of one role are limited to 10,240 characters together', async () => {
    const sized = (n: number) => allow(`s3:${'G'.repeat(n)}`);
    const half = sized(5000);
    await iam.send(new PutRolePolicyCommand({ RoleName: 'node', PolicyName: 'one', PolicyDocument: half }));
    const err = await failure(
      iam.send(
        new PutRolePolicyCommand({ RoleName: 'node', PolicyName: 'two', PolicyDocument: sized(5300) }),
      ),
    );
    expect(err).toMatchObject({
      name: 'LimitExceededException',
      message: 'Maximum policy size of 10240 bytes exceeded for role node',
    });
    // replacing a policy counts it once
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'node', PolicyName: 'one', PolicyDocument: sized(9000) }),
    );
  });

  it('Invalid principal while a new role is within the propagation window (terraform-provider-aws#1388)', async () => {
    // Emulated time stands almost still (speed 0.001) and moves only with advanceClock.
    const slow = await startTestEmulator({ speed: 0.001, seed: { accountId: ACCOUNT } });
    try {
      const c = new IAMClient(clientConfig(slow, { region: 'us-east-1' }));
      const ghost = `arn:aws:iam::${ACCOUNT}:role/ghost`;
      const none = await failure(
        c.send(new CreateRoleCommand({ RoleName: 'a', AssumeRolePolicyDocument: trust({ AWS: ghost }) })),
      );
      expect(none).toMatchObject({
        name: 'MalformedPolicyDocumentException',
        message: `Invalid principal in policy: "AWS":"${ghost}"`,
      });
      const node = await c.send(
        new CreateRoleCommand({ RoleName: 'node', AssumeRolePolicyDocument: trust() }),
      );
      const byNode = trust({ AWS: node.Role?.Arn });
      const early = await failure(
        c.send(new CreateRoleCommand({ RoleName: 'a', AssumeRolePolicyDocument: byNode })),
      );
      expect(early.message).toBe(`Invalid principal in policy: "AWS":"${node.Role?.Arn}"`);
      slow.advanceClock(7);
      await failure(c.send(new CreateRoleCommand({ RoleName: 'a', AssumeRolePolicyDocument: byNode })));
      slow.advanceClock(1);
      await c.send(new CreateRoleCommand({ RoleName: 'a', AssumeRolePolicyDocument: byNode }));
      // other accounts' principals are not checked
      await c.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: 'a',
          PolicyDocument: trust({ AWS: 'arn:aws:iam::999999999999:role/x' }),
        }),
      );
      // an OIDC provider of this account must exist
      const fed = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC`;
      const noProvider = await failure(
        c.send(
          new UpdateAssumeRolePolicyCommand({ RoleName: 'a', PolicyDocument: trust({ Federated: fed }) }),
        ),
      );
      expect(noProvider.message).toBe(`Invalid principal in policy: "Federated":"${fed}"`);
    } finally {
      await slow.stop();
    }
  });

  it('UpdateRole changes description and max session; UpdateAssumeRolePolicy replaces the trust', async () => {
    await iam.send(
      new UpdateRoleCommand({ RoleName: 'node', Description: 'workers', MaxSessionDuration: 7200 }),
    );
    const doc = trust({ Service: 'pods.eks.amazonaws.com' });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'node', PolicyDocument: doc }));
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'node' }))).Role;
    expect(role).toMatchObject({ Description: 'workers', MaxSessionDuration: 7200 });
    expect(decodeURIComponent(role?.AssumeRolePolicyDocument as string)).toBe(doc);
    const bad = await failure(iam.send(new UpdateRoleCommand({ RoleName: 'node', MaxSessionDuration: 60 })));
    expect(bad.name).toBe('ValidationError');
    // IAM API reference, UpdateRole: an omitted MaxSessionDuration gets the default of one hour.
    await iam.send(new UpdateRoleCommand({ RoleName: 'node', Description: 'nodes' }));
    const reset = (await iam.send(new GetRoleCommand({ RoleName: 'node' }))).Role;
    expect(reset).toMatchObject({ Description: 'nodes', MaxSessionDuration: 3600 });
  });

  it('ListRoles pages with MaxItems, IsTruncated and Marker', async () => {
    for (const n of ['r1', 'r2', 'r3', 'r4']) {
      await iam.send(
        new CreateRoleCommand({ RoleName: n, AssumeRolePolicyDocument: trust(), Path: '/app/' }),
      );
    }
    const first = await iam.send(new ListRolesCommand({ MaxItems: 2 }));
    expect(first.Roles?.map((r) => r.RoleName)).toEqual(['node', 'r1']);
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(new ListRolesCommand({ MaxItems: 2, Marker: first.Marker }));
    expect(second.Roles?.map((r) => r.RoleName)).toEqual(['r2', 'r3']);
    const all: string[] = [];
    for await (const page of paginateListRoles({ client: iam, pageSize: 2 }, { PathPrefix: '/app/' })) {
      all.push(...(page.Roles ?? []).map((r) => r.RoleName as string));
    }
    expect(all).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(decodeURIComponent(first.Roles?.[0]?.AssumeRolePolicyDocument as string)).toContain('"Statement"');
  });

  it('TagRole, UntagRole and ListRoleTags', async () => {
    await iam.send(
      new TagRoleCommand({
        RoleName: 'node',
        Tags: [
          { Key: 'eks-kit:stack', Value: 'prod' },
          { Key: 'team', Value: 'core' },
        ],
      }),
    );
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'node' }))).Tags).toEqual([
      { Key: 'team', Value: 'core' },
      { Key: 'eks-kit:stack', Value: 'prod' },
    ]);
    await iam.send(new UntagRoleCommand({ RoleName: 'node', TagKeys: ['team'] }));
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'node' }))).Role;
    expect(role?.Tags).toEqual([{ Key: 'eks-kit:stack', Value: 'prod' }]);
  });

  it('inline policies: put, get (URL-encoded), list, delete; DeleteRole needs them gone first', async () => {
    const doc = allow('ecr:GetAuthorizationToken');
    await iam.send(new PutRolePolicyCommand({ RoleName: 'node', PolicyName: 'ecr', PolicyDocument: doc }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'node', PolicyName: 'ecr' }));
    expect(got.PolicyDocument).not.toContain('{');
    expect(decodeURIComponent(got.PolicyDocument as string)).toBe(doc);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'node' }))).PolicyNames).toEqual(['ecr']);
    const conflict = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'node' })));
    expect(conflict).toMatchObject({ name: 'DeleteConflictException', $metadata: { httpStatusCode: 409 } });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'node', PolicyName: 'ecr' }));
    const gone = await failure(iam.send(new GetRolePolicyCommand({ RoleName: 'node', PolicyName: 'ecr' })));
    expect(gone).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role policy with name ecr cannot be found.',
    });
    await iam.send(new DeleteRoleCommand({ RoleName: 'node' }));
    expect(emu.calls({ service: 'iam', mutating: true }).map((c) => c.operation)).toEqual([
      'PutRolePolicy',
      'DeleteRole',
      'DeleteRolePolicy',
      'DeleteRole',
    ]);
  });

  it('attaches AWS managed policies, refuses unknown ones and more than 10', async () => {
    const ro = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'node', PolicyArn: ro }));
    expect(
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'node' }))).AttachedPolicies,
    ).toEqual([{ PolicyName: 'ReadOnlyAccess', PolicyArn: ro }]);
    const unknown = await failure(
      iam.send(
        new AttachRolePolicyCommand({ RoleName: 'node', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/nope` }),
      ),
    );
    expect(unknown).toMatchObject({
      name: 'NoSuchEntityException',
      message: `Policy arn:aws:iam::${ACCOUNT}:policy/nope does not exist or is not attachable.`,
    });
    emu.behaviour.iamAttachedPoliciesPerRoleQuota = 1;
    try {
      const over = await failure(
        iam.send(
          new AttachRolePolicyCommand({
            RoleName: 'node',
            PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
          }),
        ),
      );
      expect(over).toMatchObject({
        name: 'LimitExceededException',
        message: 'Cannot exceed quota for PoliciesPerRole: 1',
      });
    } finally {
      emu.behaviour.iamAttachedPoliciesPerRoleQuota = 10;
    }
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'node', PolicyArn: ro }));
    expect(
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'node' }))).AttachedPolicies,
    ).toEqual([]);
  });

  it('puts and deletes a permissions boundary', async () => {
    const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'node', PermissionsBoundary: arn }));
    expect((await iam.send(new GetRoleCommand({ RoleName: 'node' }))).Role?.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: 'Policy',
      PermissionsBoundaryArn: arn,
    });
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'node' }));
    expect(
      (await iam.send(new GetRoleCommand({ RoleName: 'node' }))).Role?.PermissionsBoundary,
    ).toBeUndefined();
  });

  it('a denied caller gets AccessDenied with the role ARN as resource', async () => {
    const ro = new IAMClient(clientConfig(emu, { region: 'us-east-1', accessKeyId: 'AKIDRO' }));
    const err = await failure(
      ro.send(new CreateRoleCommand({ RoleName: 'x', AssumeRolePolicyDocument: trust() })),
    );
    expect(err).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(err.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/readonly is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCOUNT}:role/x because no identity-based policy allows the iam:CreateRole action`,
    );
    await ro.send(new GetRoleCommand({ RoleName: 'node' }));
  });
});
