import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import type { AwsClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applyStack,
  checkStack,
  parseStack,
  planStack,
  runChecks,
  type StackCheck,
  shareReads,
  stackChecks,
} from '../src/index.js';
import { stackClients } from './support/emulator.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const stackText = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
const stack = parseStack(stackText);
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
const withoutOidcProvider: World = { ...world, iam: { ...world.iam, oidcProviders: [] } };

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  emu = (await startTestEmulator({ seed: world })).emulator;
});
afterAll(async () => {
  clients?.destroy();
  await emu.stop();
});
beforeEach(async () => {
  emu.seed(world);
  emu.resetCalls();
  clients?.destroy();
  clients = await stackClients(emu);
});

const count = (service: string, operation: string) => emu.calls({ service, operation }).length;

describe('stackChecks: the one list of checks', () => {
  it('lists the drift of every step, the autoscaler set-up and the certificates, in order', () => {
    expect(stackChecks(stack).map((c) => c.id)).toEqual([
      'drift.autoscaler.tags',
      'drift.autoscaler.role',
      'drift.gitlab.role',
      'drift.repositories',
      'drift.certificates',
      'ownership.grants',
      'autoscaler.setup',
      'addons', // issue 17: the seed installs metrics-server, so check reads whether EKS has it
      'certificates',
      'stack.orphans', // issue 16: resources tagged for the stack that the file no longer describes
    ]);
  });

  it('checkStack returns the findings of running that list, and reports each check`s duration', async () => {
    await applyStack(clients, stack, { yes: true });
    const events: Array<Record<string, unknown>> = [];
    const findings = await checkStack(clients, stack, {
      concurrency: 2,
      onEvent: (e) => events.push(e),
    });
    const direct = (await Promise.all(stackChecks(stack).map((c) => c.run(clients)))).flat();
    expect(findings).toEqual(direct);
    expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
    const done = events.filter((e) => e.type === 'check.done');
    expect(done.map((e) => e.check)).toEqual(expect.arrayContaining(stackChecks(stack).map((c) => c.id)));
    for (const e of done) {
      expect(typeof e.durationMs).toBe('number');
      expect(e.outcome).toBe('ok');
    }
  });

  it('a check that outlives its time limit becomes one fail finding; the others still report', async () => {
    const never: StackCheck = { id: 'stuck', resource: 'something slow', run: () => new Promise(() => {}) };
    const quick: StackCheck = { id: 'quick', resource: 'something quick', run: async () => [] };
    const runs = await runChecks([never, quick], clients, { checkTimeoutMs: 20 });
    expect(runs.map((r) => [r.id, r.outcome])).toEqual([
      ['stuck', 'timeout'],
      ['quick', 'ok'],
    ]);
    expect(runs[0]?.findings).toMatchObject([{ check: 'stuck', status: 'fail' }]);
    expect(runs[0]?.findings[0]?.message).toMatch(/timed out after 20 ms/);
  });

  it('runs at most `concurrency` checks at once', async () => {
    let running = 0;
    let most = 0;
    const check = (id: string): StackCheck => ({
      id,
      resource: id,
      run: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return [];
      },
    });
    await runChecks(['a', 'b', 'c', 'd', 'e'].map(check), clients, { concurrency: 2 });
    expect(most).toBe(2);
  });
});

describe('blocked changes in the plan (IRSA without the cluster`s IAM OIDC provider)', () => {
  it('planStack carries the role step`s fail finding and marks the blocked changes; nothing mutates', async () => {
    emu.seed(withoutOidcProvider);
    const plan = await planStack(clients, stack);
    expect(plan.findings).toMatchObject([
      { check: 'autoscaler.oidc-provider', status: 'fail' },
      { check: 'runner-role.oidc-provider', status: 'fail' },
    ]);
    expect(plan.findings[0]?.hint).toMatch(/OIDC provider/);
    const roleChanges = plan.changes.filter((c) => c.resource === 'iam role seed-cluster-autoscaler');
    expect(roleChanges.length).toBeGreaterThan(0);
    for (const c of roleChanges) expect(c.summary).toMatch(/blocked/);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a plan of a world with the provider has no findings', async () => {
    expect((await planStack(clients, stack)).findings).toEqual([]);
  });
});

describe('stack tags on the IAM roles', () => {
  it('the stack`s extra tags reach both roles (beside eks-kit:stack), and a rerun changes nothing', async () => {
    const tagged = parseStack(`${stackText}\ntags:\n  team: platform\n`);
    await applyStack(clients, tagged, { yes: true, wait: false });
    const iam = emu.state.iam as { roles: Map<string, { tags: Array<{ Key: string; Value: string }> }> };
    for (const name of ['seed-cluster-autoscaler', 'seed-gitlab-runner-build']) {
      const tags = Object.fromEntries((iam.roles.get(name)?.tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tags, name).toEqual({ team: 'platform', 'eks-kit:stack': 'seed' });
    }
    emu.resetCalls();
    expect((await planStack(clients, tagged)).changes).toEqual([]);
  });
});

describe('shared reads within one run', () => {
  it('a plan reads the account and the cluster once', async () => {
    await planStack(clients, stack);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
  });

  it('an apply reads the account, the cluster and the hosted zones once', async () => {
    await applyStack(clients, stack, { yes: true });
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
    expect(count('route53', 'ListHostedZonesByName')).toBe(1);
  });

  it('a check reads each role once: the set-up check reuses what the drift check read', async () => {
    await applyStack(clients, stack, { yes: true });
    emu.resetCalls();
    await checkStack(clients, stack);
    const getRole = emu.calls({ service: 'iam', operation: 'GetRole' }).map((c) => c.input.RoleName);
    expect(getRole.sort()).toEqual(['seed-cluster-autoscaler', 'seed-gitlab-runner-build']);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
  });

  it('a new run reads again: nothing is kept between runs', async () => {
    await planStack(clients, stack);
    await planStack(clients, stack);
    expect(count('sts', 'GetCallerIdentity')).toBe(2);
  });

  it('shareReads hands each caller its own copy of a shared answer', async () => {
    const run = shareReads(clients, 'read-only');
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const sts = await run.sts();
    const first = await sts.send(new GetCallerIdentityCommand({}));
    (first as { Account?: string }).Account = 'changed';
    const second = await sts.send(new GetCallerIdentityCommand({}));
    expect(second.Account).toBe('123456789012');
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
  });
});

describe('hints in the stack file`s terms', () => {
  it('scale from zero without node templates says autoscaler.nodeTemplates.<group>, not the library call', async () => {
    const findings = await checkStack(clients, stack);
    const zero = findings.find(
      (f) => f.check === 'autoscaler.scale-from-zero' && f.resource === 'autoscaling group seed-workers-b',
    );
    expect(zero?.status).toBe('warn');
    expect(zero?.hint).toMatch(/autoscaler\.nodeTemplates\.seed-workers-b/);
    expect(zero?.hint).not.toMatch(/ensureAutoDiscoveryTags/);
  });
});

describe('shareReads keys', () => {
  it('the same input built in another key order is one read; another input is another read', async () => {
    const sent: unknown[] = [];
    const fakeEcr = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return { repositories: [] };
      },
    };
    const fake = { ...clients, region: 'ap-northeast-1', ecr: async () => fakeEcr } as unknown as AwsClients;
    const run = shareReads(fake, 'read-only');
    const ecr = (await run.ecr()) as unknown as { send(c: unknown): Promise<unknown> };
    const describe = (input: unknown) => ({
      schema: [9, 'com.amazonaws.ecr', 'DescribeRepositories'],
      input,
    });
    await ecr.send(describe({ repositoryNames: ['a'], maxResults: 10 }));
    await ecr.send(describe({ maxResults: 10, repositoryNames: ['a'], nextToken: undefined }));
    await ecr.send(describe({ repositoryNames: ['b'], maxResults: 10 }));
    expect(sent).toHaveLength(2);
  });
});
