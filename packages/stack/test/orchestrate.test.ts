import { SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { ensureRepository } from '@eks-kit/ecr-credentials';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyStack, checkStack, parseStack, planStack, renderStack, stackSteps } from '../src/index.js';
import { seedExample, useStackEmulator } from './support/emulator.js';

const { stackText, world } = seedExample();
const stack = parseStack(stackText);

let emu: Emulator;
let clients: AwsClients;
useStackEmulator(world, 'reset', (e, c) => {
  emu = e;
  clients = c;
});

describe('stackSteps', () => {
  it('orders the seed steps: tags, roles, repositories, certificates', () => {
    expect(stackSteps(stack).map((s) => s.id)).toEqual([
      'autoscaler.tags',
      'autoscaler.role',
      'gitlab.role',
      'repositories',
      'certificates',
    ]);
  });
});

describe('planStack / applyStack', () => {
  it('plans without a mutating call, applies, then plans and applies again with no change', async () => {
    const plan = await planStack(clients, stack);
    expect(plan.changes.length).toBeGreaterThan(0);
    expect(emu.calls({ mutating: true })).toEqual([]);

    const applied = await applyStack(clients, stack, { yes: true });
    expect(applied.changes.map((c) => c.resource)).toEqual(
      expect.arrayContaining(plan.changes.map((c) => c.resource).filter((r) => !r.startsWith('route53'))),
    );
    expect(applied.certificates).toMatchObject([{ domainName: '*.foo.example.com', status: 'ISSUED' }]);

    emu.resetCalls();
    expect((await planStack(clients, stack)).changes).toEqual([]);
    const again = await applyStack(clients, stack, { yes: true });
    expect(again.changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('tags every resource it creates with eks-kit:stack', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    const iam = emu.state.iam as { roles: Map<string, { tags: Array<{ Key: string; Value: string }> }> };
    for (const name of ['seed-cluster-autoscaler', 'seed-gitlab-runner-build']) {
      const tags = Object.fromEntries((iam.roles.get(name)?.tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tags['eks-kit:stack'], name).toBe('seed');
    }
    const ecr = emu.state.ecr as { repositories: Map<string, { name: string; tags: Map<string, string> }> };
    for (const name of ['seed/app', 'seed/app/cache']) {
      const repo = [...ecr.repositories.values()].find((r) => r.name === name);
      expect(repo?.tags.get('eks-kit:stack'), name).toBe('seed');
    }
    const acm = emu.state.acm as {
      certificates: Map<string, { tags: Array<{ Key: string; Value?: string }> }>;
    };
    const certs = [...acm.certificates.values()];
    expect(certs).toHaveLength(1);
    expect(certs[0]?.tags).toContainEqual({ Key: 'eks-kit:stack', Value: 'seed' });
  });

  it('refuses to apply without yes or a confirm callback, and stops when confirm says no', async () => {
    await expect(applyStack(clients, stack, {})).rejects.toThrow(/yes: expected/);
    await expect(applyStack(clients, stack, { confirm: async () => false })).rejects.toThrow(/cancelled/);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });
});

describe('identity modes', () => {
  const seedText = stackText;
  const modes: Array<[string, string]> = [
    ['pod-identity', 'mode: pod-identity'],
    ['kube2iam', 'mode: kube2iam\n    workerRoleArns: ["arn:aws:iam::123456789012:role/seed-node"]'],
    ['kiam', 'mode: kiam\n    serverRoleArn: "arn:aws:iam::123456789012:role/seed-node"'],
  ];
  for (const [mode, yaml] of modes) {
    it(`${mode}: applies, then plans no change and checks without failure`, async () => {
      const modeStack = parseStack(seedText.replace('mode: irsa', yaml));
      if (mode === 'pod-identity') {
        // Pod Identity needs the eks-pod-identity-agent add-on: without it check fails (issue 17).
        expect(
          (await checkStack(clients, modeStack)).find((f) => f.check === 'addons.pod-identity-agent')?.status,
        ).toBe('fail');
        const eks = world.eks as NonNullable<World['eks']>;
        emu.seed({
          ...world,
          eks: {
            ...eks,
            clusters: (eks.clusters ?? []).map((c) => ({
              ...c,
              addons: [{ name: 'eks-pod-identity-agent' }],
            })),
          },
        });
      }
      await applyStack(clients, modeStack, { yes: true, wait: false });
      emu.resetCalls();
      expect((await planStack(clients, modeStack)).changes).toEqual([]);
      expect(emu.calls({ mutating: true })).toEqual([]);
      const findings = await checkStack(clients, modeStack);
      expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
      const values = renderStack(modeStack, { accountId: '123456789012' }).find(
        (f) => f.path === 'values/cluster-autoscaler.yaml',
      )!.content;
      if (mode === 'pod-identity') expect(values).not.toContain('role-arn');
      else
        expect(values).toContain(
          'iam.amazonaws.com/role: arn:aws:iam::123456789012:role/seed-cluster-autoscaler',
        );
    });
  }
});

describe('checkStack', () => {
  it('reports drift before apply and none after', async () => {
    const before = await checkStack(clients, stack);
    expect(before.some((f) => f.check === 'drift.repositories' && f.status === 'fail')).toBe(true);
    await applyStack(clients, stack, { yes: true });
    const after = await checkStack(clients, stack);
    expect(after.filter((f) => f.status === 'fail')).toEqual([]);
  });

  it('one failing check never hides the others', async () => {
    await applyStack(clients, stack, { yes: true });
    emu.seed({
      ...world,
      identities: {
        AKIDEXAMPLE: { arn: 'arn:aws:iam::123456789012:user/ci', deny: ['ecr:DescribeRepositories'] },
      },
    });
    const findings = await checkStack(clients, stack);
    const repo = findings.find((f) => f.check === 'drift.repositories');
    expect(repo?.status).toBe('fail');
    expect(repo?.message).toMatch(/check could not run: .*ecr:DescribeRepositories/);
    expect(
      findings.some((f) => f.check.startsWith('autoscaler.') || f.check === 'drift.autoscaler.tags'),
    ).toBe(true);
    expect(findings.some((f) => f.check === 'drift.certificates')).toBe(true);
  });
});

describe('checkStack: a repository policy added by hand (ecr.grants)', () => {
  // The test before seeds an identity that may not describe repositories: start from the seed world.
  beforeEach(() => emu.seed(world));
  const OTHER = 'arn:aws:iam::999999999999:root';
  const setPolicy = async (repositoryName: string, ...Statement: object[]) => {
    const ecr = await clients.ecr();
    const policyText = JSON.stringify({ Version: '2012-10-17', Statement });
    await ecr.send(new SetRepositoryPolicyCommand({ repositoryName, policyText }));
  };

  it('fails another account allowed to push, delete and set the policy; not drift, plan changes nothing', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    const actions = [
      'ecr:PutImage',
      'ecr:BatchDeleteImage',
      'ecr:SetRepositoryPolicy',
      'ecr:DeleteRepository',
    ];
    await setPolicy('seed/app', {
      Sid: 'partner',
      Effect: 'Allow',
      Principal: { AWS: OTHER },
      Action: actions,
    });
    emu.resetCalls();
    const findings = await checkStack(clients, stack);
    const grants = findings.filter((f) => f.check === 'ecr.grants');
    expect(grants.map((f) => [f.resource, f.status])).toEqual([
      ['ecr repository seed/app', 'fail'],
      ['ecr repository seed/app/cache', 'ok'],
    ]);
    expect(grants[0]?.message).toContain(`statement 0 (Sid "partner") allows ${OTHER} ${actions.join(', ')}`);
    // The stack file sets no repository policy: a hand-added one is not drift of a declared field.
    expect(findings.find((f) => f.check === 'drift.repositories')?.status).toBe('ok');
    expect((await planStack(clients, stack)).changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('warns on a cross-account pull granted to the cache; ok when the policy only denies', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    await setPolicy('seed/app/cache', {
      Sid: 'pull',
      Effect: 'Allow',
      Principal: { AWS: OTHER },
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    });
    await setPolicy('seed/app', { Effect: 'Deny', Principal: '*', Action: 'ecr:DeleteRepository' });
    const grants = (await checkStack(clients, stack)).filter((f) => f.check === 'ecr.grants');
    expect(grants.map((f) => [f.resource, f.status])).toEqual([
      ['ecr repository seed/app', 'ok'],
      ['ecr repository seed/app/cache', 'warn'],
    ]);
  });

  it('a grant to the stack own build role is its own; a policy on another stack repository is not reported', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    const runner = 'arn:aws:iam::123456789012:role/seed-gitlab-runner-build';
    await setPolicy('seed/app', { Effect: 'Allow', Principal: { AWS: runner }, Action: 'ecr:*' });
    await ensureRepository(clients, { name: 'other/app', stack: 'other' });
    await setPolicy('other/app', { Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'ecr:PutImage' });
    const findings = await checkStack(clients, stack);
    expect(findings.filter((f) => f.check === 'ecr.grants').map((f) => f.status)).toEqual(['ok', 'ok']);
    expect(JSON.stringify(findings)).not.toContain('other/app');
  });
});

describe('renderStack', () => {
  it('renders the seed files deterministically', () => {
    const a = renderStack(stack, { accountId: '123456789012' });
    const b = renderStack(stack, { accountId: '123456789012' });
    expect(a).toEqual(b);
    expect(a.map((f) => f.path)).toEqual([
      'helmfile.yaml',
      'values/cluster-autoscaler.yaml',
      'values/metrics-server.yaml',
      '.gitlab-ci.yml',
      'docker/config.json',
    ]);
    const values = a.find((f) => f.path === 'values/cluster-autoscaler.yaml')!.content;
    expect(values).toContain(
      'eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/seed-cluster-autoscaler',
    );
    expect(values).toContain('name: cluster-autoscaler-aws-cluster-autoscaler');
    expect(a.find((f) => f.path === 'docker/config.json')!.mode).toBe(0o600);
    expect(a.find((f) => f.path === '.gitlab-ci.yml')!.content).toContain(
      '--cache-repo 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/seed/app/cache',
    );
  });

  it('renders metrics-server alone when the stack has no autoscaler', () => {
    const seedText = stackText;
    const noAutoscaler = parseStack(
      seedText.slice(0, seedText.indexOf('autoscaler:')) + seedText.slice(seedText.indexOf('metricsServer:')),
    );
    const files = renderStack(noAutoscaler, { accountId: '123456789012' });
    expect(files.map((f) => f.path)).toEqual([
      'helmfile.yaml',
      'values/metrics-server.yaml',
      '.gitlab-ci.yml',
      'docker/config.json',
    ]);
    expect(files[0]!.content).not.toContain('cluster-autoscaler');
  });

  it('refuses a bad account id', () => {
    expect(() => renderStack(stack, { accountId: '42' })).toThrow(/accountId: expected a 12-digit/);
  });
});
