import {
  AttachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, EksKitError, InvalidInputError, type ProgressEvent } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  checkRole,
  ensureRole,
  irsaTrustPolicy,
  kube2iamTrustPolicy,
  policiesEqual,
  policyDocument,
  policyJson,
  type RoleSpec,
  servicePrincipalTrustPolicy,
  statement,
} from '../src/index.js';
import { ACCOUNT, FAST_RETRY, NODE_ROLE_ARN, PROVIDER_ARN, useIamEmulator } from './support/emulator.js';

const trust = irsaTrustPolicy({ oidcProviderArn: PROVIDER_ARN }, 'kube-system', 'cluster-autoscaler');
const readPolicy = policyDocument(
  [statement({ actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeImages'], resources: '*' })],
  { kind: 'identity' },
);
const writePolicy = policyDocument(
  [
    statement({
      actions: 'autoscaling:SetDesiredCapacity',
      resources: '*',
      conditions: { StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' } },
    }),
  ],
  { kind: 'identity' },
);
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

const spec: RoleSpec = {
  name: 'cluster-autoscaler',
  path: '/eks-kit/',
  trust,
  description: 'Cluster Autoscaler (IRSA)',
  tags: { team: 'platform' },
  inlinePolicies: { read: readPolicy, write: writePolicy },
  managedPolicyArns: [READ_ONLY],
  stack: 'prod',
};

let emu: Emulator;
let clients: AwsClients;
useIamEmulator((e, c) => {
  emu = e;
  clients = c;
});

const mutating = (): { operation: string; error?: string }[] =>
  emu
    .calls({ service: 'iam', mutating: true })
    .map((c) => ({ operation: c.operation, ...(c.error ? { error: c.error } : {}) }));

describe('ensureRole against the emulator', () => {
  it('first run creates the role, its policies and attachments; the second run makes no mutating call', async () => {
    const first = await ensureRole(clients, spec, FAST_RETRY);
    expect(first.created).toBe(true);
    expect(first.arn).toBe(`arn:aws:iam::${ACCOUNT}:role/eks-kit/cluster-autoscaler`);
    expect(first.roleId).toMatch(/^AROA/);
    expect(first.changes.map((c) => `${c.action} ${c.summary}`)).toEqual([
      `create create role /eks-kit/cluster-autoscaler trusted by ${PROVIDER_ARN}`,
      'create inline policy read: create',
      'create inline policy write: create',
      `create attach ${READ_ONLY}`,
    ]);
    expect(mutating().map((c) => c.operation)).toEqual([
      'CreateRole',
      'PutRolePolicy',
      'PutRolePolicy',
      'AttachRolePolicy',
    ]);

    emu.resetCalls();
    const second = await ensureRole(clients, spec, FAST_RETRY);
    expect(second.changes).toEqual([]);
    expect(second.created).toBe(false);
    expect(second.arn).toBe(first.arn);
    expect(mutating()).toEqual([]);
  });

  it("reads IAM's URL-encoded documents and never sends encoded JSON back (docs/AWS-FACTS.md#iam-url-encoded-documents, aws-sdk-js-v3#1945)", async () => {
    await ensureRole(clients, spec, FAST_RETRY);
    const iam = await clients.iam();
    const role = await iam.send(new GetRoleCommand({ RoleName: 'cluster-autoscaler' }));
    const rawTrust = role.Role?.AssumeRolePolicyDocument ?? '';
    expect(rawTrust.startsWith('%7B')).toBe(true); // what IAM returns and SDK v3 leaves encoded
    expect(decodeURIComponent(rawTrust)).toBe(policyJson(trust));
    const rawRead = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'cluster-autoscaler', PolicyName: 'read' }),
    );
    expect(decodeURIComponent(rawRead.PolicyDocument ?? '')).toBe(policyJson(readPolicy));

    // Drift both; the fix must send plain JSON, the same bytes as policyJson.
    const other = irsaTrustPolicy({ oidcProviderArn: PROVIDER_ARN }, 'kube-system', 'someone-else');
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: 'cluster-autoscaler',
        PolicyDocument: policyJson(other),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'cluster-autoscaler',
        PolicyName: 'read',
        PolicyDocument: policyJson(writePolicy),
      }),
    );
    emu.resetCalls();
    await ensureRole(clients, spec, FAST_RETRY);
    // IAM refuses encoded JSON ("This policy contains invalid Json"): the calls succeed, and what
    // IAM stored decodes to exactly the canonical JSON.
    expect(mutating()).toEqual([{ operation: 'UpdateAssumeRolePolicy' }, { operation: 'PutRolePolicy' }]);
    const fixed = await iam.send(new GetRoleCommand({ RoleName: 'cluster-autoscaler' }));
    expect(decodeURIComponent(fixed.Role?.AssumeRolePolicyDocument ?? '')).toBe(policyJson(trust));
    const fixedRead = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'cluster-autoscaler', PolicyName: 'read' }),
    );
    expect(decodeURIComponent(fixedRead.PolicyDocument ?? '')).toBe(policyJson(readPolicy));
  });

  it('tags a role it creates with eks-kit:stack=<stack> (docs/ARCHITECTURE.md#ownership-owned-foreign-unowned)', async () => {
    await ensureRole(clients, spec, FAST_RETRY);
    const iam = await clients.iam();
    const tags = (await iam.send(new ListRoleTagsCommand({ RoleName: spec.name }))).Tags ?? [];
    expect(Object.fromEntries(tags.map((t) => [t.Key, t.Value]))).toEqual({
      team: 'platform',
      'eks-kit:stack': 'prod',
    });
  });

  it('dry run mutates nothing, reports the same changes and computes the ARN', async () => {
    const plan = await ensureRole(clients, spec, { dryRun: true, ...FAST_RETRY });
    expect(mutating()).toEqual([]);
    expect(plan.created).toBe(true);
    const applied = await ensureRole(clients, spec, FAST_RETRY);
    expect(plan.arn).toBe(applied.arn);
    expect(plan.changes.map((c) => c.summary)).toEqual(applied.changes.map((c) => c.summary));
  });

  it('drift is found by checkRole, planned without mutation in dry run, and fixed by ensureRole', async () => {
    await ensureRole(clients, spec, FAST_RETRY);
    const iam = await clients.iam();
    const drifted = irsaTrustPolicy({ oidcProviderArn: PROVIDER_ARN }, 'default', 'cluster-autoscaler');
    await iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: spec.name, PolicyDocument: policyJson(drifted) }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: spec.name,
        PolicyName: 'read',
        PolicyDocument: policyJson(
          policyDocument([statement({ actions: 'ec2:DescribeImages', resources: '*' })], {
            kind: 'identity',
          }),
        ),
      }),
    );
    const check = {
      name: spec.name,
      trust,
      inlinePolicies: spec.inlinePolicies,
      managedPolicyArns: spec.managedPolicyArns,
    };
    const findings = await checkRole(clients, check);
    expect(
      findings.filter((f) => f.status !== 'ok').map((f) => `${f.check} ${f.status} ${f.message}`),
    ).toEqual([
      'iam.trust fail trust policy drifted: 1 statement added, 1 statement removed',
      'iam.policy fail inline policy read drifted: 1 statement added, 1 statement removed',
    ]);

    emu.resetCalls();
    const plan = await ensureRole(clients, spec, { dryRun: true, ...FAST_RETRY });
    expect(mutating()).toEqual([]);
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'trust policy: 1 statement added, 1 statement removed',
      'inline policy read: 1 statement added, 1 statement removed',
    ]);

    const fixed = await ensureRole(clients, spec, FAST_RETRY);
    expect(fixed.changes.map((c) => c.action)).toEqual(['update', 'update']);
    expect(mutating().map((c) => c.operation)).toEqual(['UpdateAssumeRolePolicy', 'PutRolePolicy']);
    expect((await checkRole(clients, check)).every((f) => f.status === 'ok')).toBe(true);
    const role = (await iam.send(new GetRoleCommand({ RoleName: spec.name }))).Role;
    expect(policiesEqual(role?.AssumeRolePolicyDocument ?? '', trust)).toBe(true);
  });

  it('a malformed inline policy read from AWS is drift (check fails, apply replaces it), not a crash', async () => {
    await ensureRole(clients, spec, FAST_RETRY);
    const iam = await clients.iam();
    // The emulator, like an older IAM or a hand-made document, keeps a string Condition.
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: spec.name,
        PolicyName: 'write',
        PolicyDocument:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"autoscaling:SetDesiredCapacity","Resource":"*","Condition":"x"}]}',
      }),
    );
    const check = { name: spec.name, inlinePolicies: spec.inlinePolicies };
    const bad = (await checkRole(clients, check)).filter((f) => f.status !== 'ok');
    expect(bad.map((f) => `${f.check} ${f.status}`)).toEqual(['iam.policy fail']);
    expect(bad[0]?.message).toContain('current document is malformed (current.Statement[0].Condition');
    emu.resetCalls();
    const fixed = await ensureRole(clients, spec, FAST_RETRY);
    expect(mutating().map((c) => c.operation)).toEqual(['PutRolePolicy']);
    expect(fixed.changes[0]?.summary).toContain('inline policy write: current document is malformed');
    emu.resetCalls();
    await ensureRole(clients, spec, FAST_RETRY);
    expect(mutating()).toEqual([]);
  });

  it('compares semantically: a reordered, pretty-printed equivalent policy is not rewritten', async () => {
    await ensureRole(clients, spec, FAST_RETRY);
    const iam = await clients.iam();
    const equivalent = {
      Statement: [
        {
          Resource: ['*'],
          Action: ['ec2:DescribeImages', 'autoscaling:DescribeAutoScalingGroups'],
          Effect: 'Allow',
        },
      ],
      Version: '2012-10-17',
    };
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: spec.name,
        PolicyName: 'read',
        PolicyDocument: JSON.stringify(equivalent, null, 4),
      }),
    );
    emu.resetCalls();
    expect((await ensureRole(clients, spec, FAST_RETRY)).changes).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it('changing only the description keeps the max session duration (UpdateRole resets an omitted one to 1 h)', async () => {
    await ensureRole(clients, { ...spec, maxSessionDuration: 7200 }, FAST_RETRY);
    const { maxSessionDuration: _, ...withoutDuration } = { ...spec, maxSessionDuration: 7200 };
    const changed = await ensureRole(
      clients,
      { ...withoutDuration, description: 'Cluster Autoscaler (IRSA), prod' },
      FAST_RETRY,
    );
    expect(changed.changes.map((c) => c.summary)).toEqual([
      'description: "Cluster Autoscaler (IRSA)" -> "Cluster Autoscaler (IRSA), prod"',
    ]);
    const iam = await clients.iam();
    const role = await iam.send(new GetRoleCommand({ RoleName: spec.name }));
    expect(role.Role?.MaxSessionDuration).toBe(7200);
    expect(role.Role?.Description).toBe('Cluster Autoscaler (IRSA), prod');
  });

  it('without a stack: keeps extra inline policies and attachments unless exclusive; checkRole warns, or fails with exclusive', async () => {
    const { stack: _stack, ...unstacked } = spec;
    await ensureRole(clients, unstacked, FAST_RETRY);
    const iam = await clients.iam();
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: spec.name,
        PolicyName: 'by-hand',
        PolicyDocument: policyJson(readPolicy),
      }),
    );
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: spec.name,
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
      }),
    );
    const base = {
      name: spec.name,
      inlinePolicies: spec.inlinePolicies,
      managedPolicyArns: spec.managedPolicyArns,
    };
    const warnings = (await checkRole(clients, base)).filter((f) => f.status !== 'ok');
    expect(warnings.map((f) => `${f.check} ${f.status}`)).toEqual([
      'iam.policy warn',
      'iam.attachments warn',
    ]);
    const failures = (await checkRole(clients, { ...base, exclusive: true })).filter(
      (f) => f.status !== 'ok',
    );
    expect(failures.map((f) => `${f.check} ${f.status}`)).toEqual([
      'iam.policy fail',
      'iam.attachments fail',
    ]);

    emu.resetCalls();
    expect((await ensureRole(clients, unstacked, FAST_RETRY)).changes).toEqual([]);
    expect(mutating()).toEqual([]);

    const exclusive = await ensureRole(clients, { ...unstacked, exclusive: true }, FAST_RETRY);
    expect(exclusive.changes.map((c) => `${c.action} ${c.summary}`)).toEqual([
      'delete delete inline policy by-hand (not in the spec, exclusive)',
      'delete detach arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy (not in the spec, exclusive)',
    ]);
    expect((await checkRole(clients, { ...base, exclusive: true })).every((f) => f.status === 'ok')).toBe(
      true,
    );
  });

  it('a role the stack owns is managed exclusively: policies added by hand are drift, removed by the next run', async () => {
    await ensureRole(clients, spec, FAST_RETRY);
    const iam = await clients.iam();
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: spec.name,
        PolicyName: 'by-hand',
        PolicyDocument: policyJson(readPolicy),
      }),
    );
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: spec.name,
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    emu.resetCalls();
    const plan = await ensureRole(clients, spec, { ...FAST_RETRY, dryRun: true });
    expect(plan.changes.map((c) => `${c.action} ${c.summary}`)).toEqual([
      'delete delete inline policy by-hand (not described by the stack that owns the role: drift)',
      'delete detach arn:aws:iam::aws:policy/AdministratorAccess (attached outside the stack that owns the role: drift)',
    ]);
    expect(mutating()).toEqual([]);
    await ensureRole(clients, spec, FAST_RETRY);
    expect(mutating().map((c) => c.operation)).toEqual(['DeleteRolePolicy', 'DetachRolePolicy']);
    emu.resetCalls();
    expect((await ensureRole(clients, spec, FAST_RETRY)).changes).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it('converges description, max session duration, tags and the permissions boundary', async () => {
    await ensureRole(clients, spec, FAST_RETRY);
    const boundary = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const changed = {
      ...spec,
      description: 'CA',
      maxSessionDuration: 7200,
      tags: { team: 'sre', cost: 'k8s' },
      permissionsBoundary: boundary,
    };
    const result = await ensureRole(clients, changed, FAST_RETRY);
    expect(result.changes.map((c) => c.summary)).toEqual([
      'description: "Cluster Autoscaler (IRSA)" -> "CA"; max session duration: 3600s -> 7200s',
      `permissions boundary: none -> ${boundary}`,
      'tags: team=sre, cost=k8s',
    ]);
    emu.resetCalls();
    expect((await ensureRole(clients, changed, FAST_RETRY)).changes).toEqual([]);
    expect(mutating()).toEqual([]);
    const removed = await ensureRole(
      clients,
      { ...changed, permissionsBoundary: null, tags: { team: 'sre' }, exclusive: true },
      FAST_RETRY,
    );
    expect(removed.changes.map((c) => c.summary)).toEqual([
      `permissions boundary: ${boundary} -> none`,
      'remove tags: cost',
    ]);
    const role = (await (await clients.iam()).send(new GetRoleCommand({ RoleName: spec.name }))).Role;
    expect(role?.PermissionsBoundary).toBeUndefined();
    expect(role?.Tags?.map((t) => t.Key).sort()).toEqual(['eks-kit:stack', 'team']);
  });

  it('a concurrent create (EntityAlreadyExists) converges instead of failing', async () => {
    const events: ProgressEvent[] = [];
    const [a, b] = await Promise.all([
      ensureRole(clients, spec, { ...FAST_RETRY, onEvent: (e) => events.push(e) }),
      ensureRole(clients, spec, { ...FAST_RETRY, onEvent: (e) => events.push(e) }),
    ]);
    expect(a.arn).toBe(b.arn);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    const creates = emu.calls({ service: 'iam', operation: 'CreateRole' });
    expect(creates.map((c) => c.error ?? 'ok').sort()).toEqual(['EntityAlreadyExists', 'ok']);
    expect(events.some((e) => e.type === 'notice' && /created by someone else/.test(e.message))).toBe(true);
    emu.resetCalls();
    expect((await ensureRole(clients, spec, FAST_RETRY)).changes).toEqual([]);
  });

  it('survives throttling through the SDK retries', async () => {
    emu.setFaults([{ service: 'iam', kind: 'throttle', count: 2 }]);
    const result = await ensureRole(clients, spec, FAST_RETRY);
    expect(result.created).toBe(true);
  });

  it('refuses bad input before any AWS call, naming the field', async () => {
    const cases: [Partial<RoleSpec>, string][] = [
      [{ name: 'bad name' }, 'name'],
      [{ path: 'eks-kit' }, 'path'],
      [{ maxSessionDuration: 60 }, 'maxSessionDuration'],
      [{ inlinePolicies: { 'bad name': readPolicy } }, 'inlinePolicies.bad name'],
      [{ inlinePolicies: { p: trust } }, 'inlinePolicies.p.Statement[0].Principal'],
      [{ trust: readPolicy }, 'trust.Statement[0].Principal'],
      [{ managedPolicyArns: ['ReadOnlyAccess'] }, 'managedPolicyArns[0]'],
      [{ permissionsBoundary: 'arn:aws:iam::aws:role/x' }, 'permissionsBoundary'],
      [{ tags: { 'aws:x': 'y' } }, 'tags.aws:x'],
      [{ trustSizeLimit: 0 }, 'trustSizeLimit'],
    ];
    for (const [override, field] of cases) {
      const error = await ensureRole(clients, { ...spec, ...override }, FAST_RETRY).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe(field);
    }
    expect(emu.calls()).toEqual([]);
  });

  it('refuses to move a role to another path (IAM cannot)', async () => {
    await ensureRole(clients, spec, FAST_RETRY);
    const error = await ensureRole(clients, { ...spec, path: '/other/' }, FAST_RETRY).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EksKitError);
    expect((error as EksKitError).code).toBe('RolePathMismatch');
  });

  it('refuses a role made by hand (no eks-kit:stack tag) before any write, naming the tag and how to adopt', async () => {
    const nodeTrust = servicePrincipalTrustPolicy('ec2.amazonaws.com');
    const error = await ensureRole(
      clients,
      { name: 'eks-node', trust: nodeTrust, stack: 'prod' },
      FAST_RETRY,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EksKitError);
    expect((error as EksKitError).code).toBe('NotOwnedByStack');
    expect((error as EksKitError).message).toContain(
      'iam role eks-node exists without the tag eks-kit:stack',
    );
    expect((error as EksKitError).hint).toMatch(/--adopt/);
    expect(mutating()).toEqual([]);
  });

  it('adopts a role made by hand when asked: the plan says adopt, apply tags it and manages it exclusively', async () => {
    const nodeTrust = servicePrincipalTrustPolicy('ec2.amazonaws.com');
    const input = { name: 'eks-node', trust: nodeTrust, stack: 'prod' };
    const iam = await clients.iam();
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'eks-node',
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
      }),
    );
    emu.resetCalls();
    const plan = await ensureRole(clients, input, { ...FAST_RETRY, dryRun: true });
    expect(plan.changes[0]?.summary).toMatch(
      /^adopt: exists without eks-kit:stack \(made by hand\); add eks-kit:stack=prod/,
    );
    expect(plan.changes[0]?.summary).toContain('needs apply --adopt');
    // the hand-made role has a managed policy the spec does not name: adopting detaches it
    expect(plan.changes.map((c) => c.action)).toEqual(['tag', 'delete']);
    expect(mutating()).toEqual([]);
    const events: ProgressEvent[] = [];
    const applied = await ensureRole(clients, input, {
      ...FAST_RETRY,
      adopt: true,
      onEvent: (e) => events.push(e),
    });
    expect(applied.changes[0]?.summary).not.toContain('needs apply --adopt');
    expect(mutating().map((c) => c.operation)).toEqual(['TagRole', 'DetachRolePolicy']);
    const tags = await iam.send(new ListRoleTagsCommand({ RoleName: 'eks-node' }));
    expect(tags.Tags).toContainEqual({ Key: 'eks-kit:stack', Value: 'prod' });
    emu.resetCalls();
    // owned now: no adopt needed, nothing to do
    expect((await ensureRole(clients, input, FAST_RETRY)).changes).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it('never changes a role another stack owns, also with adopt; the plan refuses too', async () => {
    await ensureRole(clients, { ...spec, stack: 'other' }, FAST_RETRY);
    emu.resetCalls();
    for (const options of [FAST_RETRY, { ...FAST_RETRY, adopt: true }, { ...FAST_RETRY, dryRun: true }]) {
      const error = await ensureRole(clients, { ...spec, description: 'changed' }, options).catch(
        (e: unknown) => e,
      );
      expect((error as EksKitError).code).toBe('OwnedByAnotherStack');
      expect((error as EksKitError).message).toBe(
        'iam role cluster-autoscaler belongs to stack other (tag eks-kit:stack=other), not prod: eks-kit never changes it',
      );
      expect((error as EksKitError).hint).toContain('aws iam tag-role --role-name cluster-autoscaler');
    }
    expect(mutating()).toEqual([]);
  });

  it('checkRole reports a missing role', async () => {
    const findings = await checkRole(clients, { name: 'nobody', trust });
    expect(findings).toEqual([
      expect.objectContaining({ check: 'iam.role', status: 'fail', message: 'role nobody does not exist' }),
    ]);
  });

  it('gives up on a principal that never appears, with a clear error', async () => {
    const ghost = kube2iamTrustPolicy({ nodeRoleArns: [`arn:aws:iam::${ACCOUNT}:role/does-not-exist`] });
    const error = await ensureRole(
      clients,
      { name: 'kube2iam-app', trust: ghost },
      {
        propagation: { initialDelayMs: 2, maxDelayMs: 5, timeoutMs: 50 },
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EksKitError);
    expect((error as EksKitError).code).toBe('InvalidPrincipal');
  });

  it('trusts an existing node role with kube2iam', async () => {
    const result = await ensureRole(
      clients,
      { name: 'kube2iam-app', trust: kube2iamTrustPolicy({ nodeRoleArns: [NODE_ROLE_ARN] }) },
      FAST_RETRY,
    );
    expect(result.created).toBe(true);
  });
});
