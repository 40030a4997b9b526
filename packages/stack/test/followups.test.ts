import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { type AwsClients, createClients } from '@eks-kit/core';
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
  withSharedReads,
} from '../src/index.js';

const root = new URL('../../../examples/seed/', import.meta.url);
// The SDK's command classes, from the package that builds the clients (stack has no SDK dependency).
const sdk = createRequire(new URL('../../core/package.json', import.meta.url));
type CommandClass = new (input: object) => object;
const { DescribeRepositoriesCommand, CreateRepositoryCommand } = sdk('@aws-sdk/client-ecr') as Record<
  'DescribeRepositoriesCommand' | 'CreateRepositoryCommand',
  CommandClass
>;
const { ListCertificatesCommand } = sdk('@aws-sdk/client-acm') as Record<
  'ListCertificatesCommand',
  CommandClass
>;
interface Sender {
  send(command: object): Promise<{
    CertificateSummaryList?: Array<{ Status?: string }>;
    repositories?: Array<{ repositoryName?: string }>;
  }>;
}
const stackText = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
const stack = parseStack(stackText);
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
const withoutOidcProvider: World = { ...world, iam: { ...world.iam, oidcProviders: [] } };

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world });
});
afterAll(async () => {
  clients?.destroy();
  await emu.stop();
});
beforeEach(async () => {
  emu.seed(world);
  emu.resetCalls();
  clients?.destroy();
  clients = await createClients({
    region: 'ap-northeast-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 3,
  });
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
    const run = shareReads(clients);
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const sts = await run.sts();
    await withSharedReads('read-only', async () => {
      const first = await sts.send(new GetCallerIdentityCommand({}));
      (first as { Account?: string }).Account = 'changed';
      const second = await sts.send(new GetCallerIdentityCommand({}));
      expect(second.Account).toBe('123456789012');
    });
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    // Outside a run the middleware passes every call through.
    await sts.send(new GetCallerIdentityCommand({}));
    expect(count('sts', 'GetCallerIdentity')).toBe(2);
  });
});

describe('shareReads keys', () => {
  it('the same input built in another key order is one read; another input is another read', async () => {
    const run = shareReads(clients);
    const ecr = (await run.ecr()) as unknown as Sender;
    await withSharedReads('read-only', async () => {
      const ask = (input: object) => ecr.send(new DescribeRepositoriesCommand(input)).catch(() => undefined);
      await ask({ repositoryNames: ['seed/app'], maxResults: undefined });
      await ask({ maxResults: undefined, repositoryNames: ['seed/app'] });
      await ask({ repositoryNames: ['seed/other'] });
    });
    expect(count('ecr', 'DescribeRepositories')).toBe(2);
  });

  it('a ListCertificates filtered by status is answered from the run`s one listing', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.resetCalls();
    const run = shareReads(clients);
    const acm = (await run.acm()) as unknown as Sender;
    const [all, revoked] = await withSharedReads('read-only', async () => [
      await acm.send(new ListCertificatesCommand({ MaxItems: 1000 })),
      await acm.send(new ListCertificatesCommand({ MaxItems: 1000, CertificateStatuses: ['REVOKED'] })),
    ]);
    expect(count('acm', 'ListCertificates')).toBe(1);
    expect(all.CertificateSummaryList?.length).toBeGreaterThan(0);
    expect(all.CertificateSummaryList?.some((c) => c.Status !== 'REVOKED')).toBe(true);
    expect(revoked.CertificateSummaryList).toEqual([]);
  });

  it('a write drops the answers it may change: the next read goes to AWS', async () => {
    const run = shareReads(clients);
    const ecr = (await run.ecr()) as unknown as Sender;
    await withSharedReads('stable', async () => {
      await ecr.send(new DescribeRepositoriesCommand({}));
      await ecr.send(new DescribeRepositoriesCommand({}));
      await ecr.send(new CreateRepositoryCommand({ repositoryName: 'seed/new-one' }));
      const after = await ecr.send(new DescribeRepositoriesCommand({}));
      expect(after.repositories?.map((r) => r.repositoryName)).toContain('seed/new-one');
    });
    expect(count('ecr', 'DescribeRepositories')).toBe(2);
  });
});

describe('a write keeps the answers about other resources (issue 22)', () => {
  it('creating one repository keeps the run`s answer about another; the written one is read again', async () => {
    const run = shareReads(clients);
    const ecr = (await run.ecr()) as unknown as Sender;
    await withSharedReads('stable', async () => {
      const ask = (name: string) =>
        ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })).catch(() => undefined);
      await ask('other/one');
      await ask('seed/new-two');
      await ecr.send(new CreateRepositoryCommand({ repositoryName: 'seed/new-two' }));
      await ask('other/one');
      await ask('seed/new-two');
    });
    // other/one once; seed/new-two before and after its write (a write dropping every ECR answer: 4).
    expect(count('ecr', 'DescribeRepositories')).toBe(3);
  });
});

describe('one ListCertificates per run (issue 22)', () => {
  it('plan, check and apply each list the certificates once', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    expect(count('acm', 'ListCertificates')).toBe(1);
    emu.resetCalls();
    await planStack(clients, stack);
    expect(count('acm', 'ListCertificates')).toBe(1);
    emu.resetCalls();
    await checkStack(clients, stack);
    expect(count('acm', 'ListCertificates')).toBe(1);
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
