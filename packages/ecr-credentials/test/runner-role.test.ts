import { GetRoleCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, InvalidInputError } from '@eks-kit/core';
import { asList, policiesEqual } from '@eks-kit/iam-policies';
import { describe, expect, it } from 'vitest';
import { ecrBuilderPolicy, ensureRunnerRole, type RunnerRoleInput } from '../src/index.js';
import { ACCOUNT, ISSUER, REGION, runnerWorld, useEcrEmulator } from './helpers.js';

let emu: Emulator;
let clients: AwsClients;
useEcrEmulator(runnerWorld(), (e, c) => {
  emu = e;
  clients = c;
});

const input: RunnerRoleInput = {
  cluster: 'prod',
  namespace: 'gitlab-runner',
  serviceAccount: 'build',
  repositories: ['team/app'],
  roleName: 'gitlab-runner-ecr-push',
  stack: 'prod',
};

describe('ensureRunnerRole (IRSA for the GitLab runner build pods)', () => {
  it('dry run: plans the role and calls nothing that mutates', async () => {
    const result = await ensureRunnerRole(clients, input, { dryRun: true });
    expect(result.created).toBe(true);
    expect(result.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/gitlab-runner-ecr-push`);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('creates the role with IRSA trust and the push+cache policy, then a second run changes nothing', async () => {
    const result = await ensureRunnerRole(clients, input);
    expect(result.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': result.roleArn });
    expect(result.runnerConfigToml).toContain('service_account = "build"');
    const iam = await clients.iam();
    const role = await iam.send(new GetRoleCommand({ RoleName: 'gitlab-runner-ecr-push' }));
    const trust = JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '{}'));
    const host = ISSUER.replace('https://', '');
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${host}:aud`]: 'sts.amazonaws.com',
          [`${host}:sub`]: 'system:serviceaccount:gitlab-runner:build',
        },
      },
    });
    const inline = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'gitlab-runner-ecr-push', PolicyName: 'ecr-push' }),
    );
    const arn = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/team/app`;
    expect(
      policiesEqual(
        decodeURIComponent(inline.PolicyDocument ?? ''),
        ecrBuilderPolicy({ push: [arn], cache: [`${arn}/cache`] }),
      ),
    ).toBe(true);
    for (const s of result.policy.Statement)
      if (asList(s.Resource).includes('*')) expect(asList(s.Action)).toEqual(['ecr:GetAuthorizationToken']);

    emu.resetCalls();
    const again = await ensureRunnerRole(clients, input);
    expect(again.changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('takes an issuer instead of a cluster, and cacheRepositories: false', async () => {
    const { policy } = await ensureRunnerRole(
      clients,
      { ...input, cluster: undefined, issuer: ISSUER, cacheRepositories: false },
      { dryRun: true },
    );
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['EcrGetAuthorizationToken', 'EcrPush']);
    expect(emu.calls({ service: 'eks' })).toEqual([]);
  });

  it('refuses bad input naming the field, before any AWS call', async () => {
    const bad: [Partial<RunnerRoleInput>, RegExp][] = [
      [{ roleName: 'bad name!' }, /^roleName:/],
      [{ repositories: [] }, /^repositories:/],
      [{ repositories: ['Team/App'] }, /^repositories\[0\]:/],
      [{ namespace: 'Bad_NS' }, /^namespace:/],
      [{ issuer: ISSUER }, /^cluster:/],
    ];
    for (const [patch, field] of bad) {
      const error = await ensureRunnerRole(clients, { ...input, ...patch } as RunnerRoleInput).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toMatch(field);
    }
    expect(emu.calls()).toEqual([]);
  });
});
