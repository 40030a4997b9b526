import { DeleteRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  deleteManagedPolicy,
  deleteRole,
  ensureManagedPolicy,
  ensureRole,
  irsaTrustPolicy,
  type PolicyDocument,
  policyDocument,
  type RoleSpec,
  statement,
} from '../src/index.js';
import { ACCOUNT, FAST_RETRY, PROVIDER_ARN, useIamEmulator } from './support/emulator.js';

const read = (action: string): PolicyDocument =>
  policyDocument([statement({ actions: [action], resources: '*' })], { kind: 'identity' });
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/eks-kit/push`;
const spec = (name: string, stack?: string): RoleSpec => ({
  name,
  path: '/eks-kit/',
  trust: irsaTrustPolicy({ oidcProviderArn: PROVIDER_ARN }, 'kube-system', name),
  inlinePolicies: { read: read('ec2:DescribeImages'), more: read('autoscaling:DescribeAutoScalingGroups') },
  managedPolicyArns: [POLICY_ARN],
  ...(stack !== undefined ? { stack } : {}),
});

let emu: Emulator;
let clients: AwsClients;
useIamEmulator((e, c) => {
  emu = e;
  clients = c;
});
const mutating = (): string[] => emu.calls({ service: 'iam', mutating: true }).map((c) => c.operation);

async function seed(): Promise<void> {
  await ensureManagedPolicy(clients, {
    name: 'push',
    path: '/eks-kit/',
    document: read('ecr:DescribeImages'),
    stack: 'prod',
  });
  await ensureManagedPolicy(clients, {
    name: 'push',
    path: '/eks-kit/',
    document: read('ecr:ListImages'),
    stack: 'prod',
  });
  await ensureRole(clients, spec('ca', 'prod'), FAST_RETRY);
  emu.resetCalls();
}

describe('deleteRole / deleteManagedPolicy against the emulator', () => {
  it('IAM refuses DeleteRole while inline policies or attachments remain (DeleteConflict), through the SDK', async () => {
    await seed();
    const iam = await clients.iam();
    const error = await iam.send(new DeleteRoleCommand({ RoleName: 'ca' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DeleteConflictException', $metadata: { httpStatusCode: 409 } });
  });

  it('dry run reads only; delete removes inline policies, attachments, then the role; a rerun makes no mutating call', async () => {
    await seed();
    const plan = await deleteRole(clients, { name: 'ca', stack: 'prod' }, { dryRun: true });
    expect(mutating()).toEqual([]);
    expect(plan.outcome).toBe('deleted');
    const done = await deleteRole(clients, { name: 'ca', stack: 'prod' });
    expect(done.changes).toEqual(plan.changes);
    expect(mutating()).toEqual(['DeleteRolePolicy', 'DeleteRolePolicy', 'DetachRolePolicy', 'DeleteRole']);
    const iam = await clients.iam();
    await expect(iam.send(new GetRoleCommand({ RoleName: 'ca' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    emu.resetCalls();
    expect(await deleteRole(clients, { name: 'ca', stack: 'prod' })).toMatchObject({
      outcome: 'absent',
      changes: [],
    });
    expect(mutating()).toEqual([]);
  });

  it('never touches a role tagged for another stack or without the stack tag', async () => {
    await ensureRole(clients, { ...spec('theirs', 'other'), managedPolicyArns: [] }, FAST_RETRY);
    await ensureRole(clients, { ...spec('byhand'), managedPolicyArns: [] }, FAST_RETRY);
    emu.resetCalls();
    const foreign = await deleteRole(clients, { name: 'theirs', stack: 'prod' });
    expect(foreign).toMatchObject({ outcome: 'kept', keptBecause: 'not-owned' });
    expect(foreign.reason).toContain('eks-kit:stack=other');
    const unowned = await deleteRole(clients, { name: 'byhand', stack: 'prod' });
    expect(unowned).toMatchObject({ outcome: 'kept', keptBecause: 'not-owned' });
    expect(mutating()).toEqual([]);
  });

  it('a managed policy still attached is kept; once the role is gone its versions and the policy are deleted', async () => {
    await seed();
    const attached = await deleteManagedPolicy(clients, { name: 'push', path: '/eks-kit/', stack: 'prod' });
    expect(attached).toMatchObject({ outcome: 'kept', keptBecause: 'refused' });
    expect(mutating()).toEqual([]);
    await deleteRole(clients, { name: 'ca', stack: 'prod' });
    emu.resetCalls();
    const plan = await deleteManagedPolicy(
      clients,
      { name: 'push', path: '/eks-kit/', stack: 'prod' },
      { dryRun: true },
    );
    expect(mutating()).toEqual([]);
    const done = await deleteManagedPolicy(clients, { name: 'push', path: '/eks-kit/', stack: 'prod' });
    expect(done.changes).toEqual(plan.changes);
    expect(mutating()).toEqual(['DeletePolicyVersion', 'DeletePolicy']);
    emu.resetCalls();
    expect(
      (await deleteManagedPolicy(clients, { name: 'push', path: '/eks-kit/', stack: 'prod' })).outcome,
    ).toBe('absent');
    expect(mutating()).toEqual([]);
  });

  it('refuses a bad name with InvalidInputError naming the field, before any call', async () => {
    emu.resetCalls();
    await expect(deleteRole(clients, { name: 'bad name!', stack: 'prod' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(emu.calls({})).toEqual([]);
  });
});
