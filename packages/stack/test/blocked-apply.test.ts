import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, EksKitError, InvalidInputError } from '@eks-kit/core';
import { ensureRunnerRole, findRunnerRoleBlockers, type RunnerRoleInput } from '@eks-kit/ecr-credentials';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, checkStack, parseStack, planStack, runnerRoleInput } from '../src/index.js';
import { stackClients } from './support/emulator.js';

// docs/AWS-FACTS.md#iam-trust-for-pods: an IRSA trust names the IAM OIDC provider of the cluster's issuer
// (arn:aws:iam::<acct>:oidc-provider/<issuer host/path>); without it no pod can assume the role.
// Both IRSA roles of the seed stack (the autoscaler's and the GitLab build pod's) are then blocked.
const root = new URL('../../../examples/seed/', import.meta.url);
const stack = parseStack(readFileSync(new URL('eks-kit.yaml', root), 'utf8'));
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
const withoutOidcProvider: World = { ...world, iam: { ...world.iam, oidcProviders: [] } };
const ISSUER = 'https://oidc.eks.ap-northeast-1.amazonaws.com/id/5EEDC1A5D1E7A4B2C3D4E5F6A7B8C9D0';

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  emu = (await startTestEmulator({ seed: withoutOidcProvider })).emulator;
});
afterAll(async () => {
  clients?.destroy();
  await emu.stop();
});
beforeEach(async () => {
  emu.seed(withoutOidcProvider);
  emu.resetCalls();
  clients?.destroy();
  clients = await stackClients(emu);
});

const count = (service: string, operation: string) => emu.calls({ service, operation }).length;

async function rejection(promise: Promise<unknown>): Promise<EksKitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EksKitError);
  return error as EksKitError;
}

describe('plan of a stack whose IRSA roles lack the IAM OIDC provider', () => {
  it('shows both roles blocked: one fail finding each, "blocked" on each of their changes, no mutating call', async () => {
    const plan = await planStack(clients, stack);
    expect(plan.findings).toMatchObject([
      {
        check: 'autoscaler.oidc-provider',
        status: 'fail',
        data: { blocks: 'iam role seed-cluster-autoscaler' },
      },
      {
        check: 'runner-role.oidc-provider',
        status: 'fail',
        data: { blocks: 'iam role seed-gitlab-runner-build' },
      },
    ]);
    for (const f of plan.findings)
      expect(f.hint).toMatch(/eksctl utils associate-iam-oidc-provider --cluster seed/);
    for (const role of ['iam role seed-cluster-autoscaler', 'iam role seed-gitlab-runner-build']) {
      const changes = plan.changes.filter((c) => c.resource === role);
      expect(changes.length, role).toBeGreaterThan(0);
      for (const c of changes) expect(c.summary).toMatch(/blocked: create the IAM OIDC provider/);
    }
    // the other steps are not blocked: the worker group tags are planned as usual
    expect(plan.changes.some((c) => c.resource.includes('seed-workers-b'))).toBe(true);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });
});

describe('apply of a blocked stack changes nothing', () => {
  it('applyStack --yes refuses with ApplyBlocked and the finding`s hint before its first mutating call', async () => {
    const error = await rejection(applyStack(clients, stack, { yes: true, wait: false }));
    expect(error.code).toBe('ApplyBlocked');
    expect(error.message).toMatch(
      /^apply blocked, nothing was changed: IAM has no OIDC provider for cluster seed/,
    );
    expect(error.message).toContain('iam role seed-cluster-autoscaler, iam role seed-gitlab-runner-build');
    expect(error.message).not.toContain('\n');
    expect(error.hint).toMatch(
      /^create the cluster's IAM OIDC provider: eksctl utils associate-iam-oidc-provider/,
    );
    // not even the worker group tags (the step before the role) were written
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('the blocking checks share the run`s reads: the account, the cluster and the provider are read once', async () => {
    await rejection(applyStack(clients, stack, { yes: true, wait: false }));
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
    expect(count('iam', 'GetOpenIDConnectProvider')).toBe(1);
  });

  it('with a confirm callback: refused before asking (the answer could not make it apply)', async () => {
    let asked = 0;
    const error = await rejection(
      applyStack(clients, stack, {
        wait: false,
        confirm: async () => {
          asked += 1;
          return true;
        },
      }),
    );
    expect(error.code).toBe('ApplyBlocked');
    expect(asked).toBe(0);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('once the provider exists the same apply goes through, its checks reading the provider only once', async () => {
    emu.seed(world);
    const result = await applyStack(clients, stack, { yes: true, wait: false });
    expect(result.findings).toEqual([]);
    expect(result.changes.some((c) => c.resource === 'iam role seed-gitlab-runner-build')).toBe(true);
    expect(count('iam', 'GetOpenIDConnectProvider')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
  });

  it('a stack without IRSA roles has nothing to block: no provider is looked up', async () => {
    const plain = parseStack(
      readFileSync(new URL('eks-kit.yaml', root), 'utf8')
        .replace(/\nautoscaler:[\s\S]*?\nmetricsServer:/, '\nmetricsServer:')
        .replace(/\ngitlab:[\s\S]*?\nchecks:/, '\nchecks:'),
    );
    await applyStack(clients, plain, { yes: true, wait: false });
    expect(count('iam', 'GetOpenIDConnectProvider')).toBe(0);
    expect(emu.calls({ mutating: true }).length).toBeGreaterThan(0);
  });
});

describe('ecr-credentials ensureRunnerRole without the IAM OIDC provider', () => {
  const input: RunnerRoleInput = runnerRoleInput(stack);

  it('dry run: the whole plan, "blocked" in its summaries, and a fail finding with the hint', async () => {
    const plan = await ensureRunnerRole(clients, input, { dryRun: true });
    expect(plan.changes.length).toBeGreaterThan(0);
    for (const c of plan.changes) expect(c.summary).toMatch(/blocked: create the IAM OIDC provider/);
    expect(plan.findings).toMatchObject([
      {
        check: 'runner-role.oidc-provider',
        status: 'fail',
        resource: `arn:aws:iam::123456789012:oidc-provider/${ISSUER.slice('https://'.length)}`,
      },
    ]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('apply: OidcProviderMissing before any change', async () => {
    const error = await rejection(ensureRunnerRole(clients, input));
    expect(error.code).toBe('OidcProviderMissing');
    expect(error.hint).toMatch(/eksctl utils associate-iam-oidc-provider --cluster seed/);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('given an issuer instead of a cluster, the hint names the aws CLI command with that issuer', async () => {
    const { cluster: _cluster, ...rest } = input;
    const blockers = await findRunnerRoleBlockers(clients, { ...rest, issuer: ISSUER });
    expect(blockers).toHaveLength(1);
    expect(blockers[0]?.message).toBe(`IAM has no OIDC provider for issuer ${ISSUER}: IRSA cannot work`);
    expect(blockers[0]?.hint).toBe(
      `create the issuer's IAM OIDC provider: aws iam create-open-id-connect-provider --url ${ISSUER} --client-id-list sts.amazonaws.com`,
    );
  });

  it('with the provider: no blockers and no findings', async () => {
    emu.seed(world);
    expect(await findRunnerRoleBlockers(clients, input)).toEqual([]);
    expect((await ensureRunnerRole(clients, input, { dryRun: true })).findings).toEqual([]);
  });

  it('bad input is refused naming the field, before any AWS call', async () => {
    await expect(findRunnerRoleBlockers(clients, { ...input, namespace: 'Bad_NS' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(findRunnerRoleBlockers(clients, { ...input, namespace: 'Bad_NS' })).rejects.toThrow(
      /^namespace/,
    );
    expect(emu.calls()).toEqual([]);
  });
});

describe('check of a stack whose provider went away after its roles were made', () => {
  it('flags the runner role (and the autoscaler role once, by autoscaler.setup) although nothing drifted', async () => {
    emu.seed(world);
    await applyStack(clients, stack, { yes: true, wait: false });
    const iam = emu.state.iam as { oidcProviders: Map<string, unknown> };
    iam.oidcProviders.clear();
    const findings = await checkStack(clients, stack);
    const fails = findings.filter((f) => f.status === 'fail').map((f) => f.check);
    expect(fails.filter((c) => c === 'runner-role.oidc-provider')).toHaveLength(1);
    expect(fails.filter((c) => c === 'autoscaler.oidc-provider')).toHaveLength(1);
    expect(findings.find((f) => f.check === 'drift.gitlab.role')?.status).toBe('ok');
  });
});
