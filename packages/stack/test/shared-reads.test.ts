/** Shared reads within one run: one answer per identical read, dropped by a write that may change it. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  applyStack,
  bindSharedReads,
  checkStack,
  parseStack,
  planStack,
  shareReads,
  withSharedReads,
} from '../src/index.js';
import { seedExample, useStackEmulator } from './support/emulator.js';

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
const { stackText, world } = seedExample();
const stack = parseStack(stackText);
const _withoutOidcProvider: World = { ...world, iam: { ...world.iam, oidcProviders: [] } };

let emu: Emulator;
let clients: AwsClients;
useStackEmulator(world, 'seed', (e, c) => {
  emu = e;
  clients = c;
});

const count = (service: string, operation: string) => emu.calls({ service, operation }).length;

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

describe('a write keeps the answers about other resources', () => {
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

describe('one ListCertificates per run', () => {
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

describe('a run bound to a client set (bindSharedReads: no async context, issue 21)', () => {
  /** Counts the AsyncLocalStorage contexts opened while `fn` runs (each makes Node track every promise). */
  async function asyncContextsOpenedBy(fn: () => Promise<unknown>): Promise<number> {
    const proto = AsyncLocalStorage.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const originals = { run: proto.run, enterWith: proto.enterWith };
    let opened = 0;
    for (const name of ['run', 'enterWith'] as const) {
      const original = originals[name] as (...a: unknown[]) => unknown;
      proto[name] = function (this: unknown, ...args: unknown[]) {
        opened++;
        return original.apply(this, args);
      };
    }
    try {
      await fn();
    } finally {
      proto.run = originals.run as (...a: unknown[]) => unknown;
      proto.enterWith = originals.enterWith as (...a: unknown[]) => unknown;
    }
    return opened;
  }

  it('shares reads through the set, its other regions and its assumed roles, outside any async context', async () => {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const run = bindSharedReads(clients, 'read-only');
    const opened = await asyncContextsOpenedBy(async () => {
      // Started from unrelated async paths (no common caller): the bound set, not the caller, decides.
      const [a, b] = await Promise.all([
        (async () => (await run.sts()).send(new GetCallerIdentityCommand({})))(),
        setTimeoutPromise(1).then(async () => (await run.sts()).send(new GetCallerIdentityCommand({}))),
      ]);
      expect(a.Account).toBe('123456789012');
      expect(b.Account).toBe('123456789012');
      // Another region of the same set is the same run (and the same credentials).
      await (await run.withRegion('us-east-1').sts()).send(new GetCallerIdentityCommand({}));
    });
    expect(opened).toBe(0);
    // The first two are one read; the other region is a read of its own (another endpoint).
    expect(count('sts', 'GetCallerIdentity')).toBe(2);
    // The bound client is the SDK client (its class, config and destroy), only its send marks the run.
    const bound = await run.sts();
    const plain = await clients.sts();
    expect(bound).not.toBe(plain);
    expect(bound.constructor).toBe(plain.constructor);
    expect(bound.config).toBe(plain.config);
  });

  it('two bound runs over the same clients are two runs; the plain set is in none', async () => {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const first = bindSharedReads(clients, 'read-only');
    const second = bindSharedReads(clients, 'read-only');
    for (const run of [first, first, second, second])
      await (await run.sts()).send(new GetCallerIdentityCommand({}));
    expect(count('sts', 'GetCallerIdentity')).toBe(2);
    // The underlying clients carry the middleware now; a call through the plain set is not shared.
    await (await clients.sts()).send(new GetCallerIdentityCommand({}));
    await (await clients.sts()).send(new GetCallerIdentityCommand({}));
    expect(count('sts', 'GetCallerIdentity')).toBe(4);
  });

  it('a command sent through a bound set is in the run for that send only (issue 21 review)', async () => {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const run = bindSharedReads(clients, 'read-only');
    const command = new GetCallerIdentityCommand({});
    await (await run.sts()).send(command);
    await (await run.sts()).send(new GetCallerIdentityCommand({}));
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    // The same command object sent again through the plain set: not shared (no run), so AWS answers.
    await (await clients.sts()).send(command);
    expect(count('sts', 'GetCallerIdentity')).toBe(2);
    // ...and inside another run: that run's read, never the bound run's answer.
    await withSharedReads('read-only', async () => {
      const other = shareReads(clients);
      await (await other.sts()).send(command);
      await (await other.sts()).send(command);
    });
    expect(count('sts', 'GetCallerIdentity')).toBe(3);
    // Through the bound set again: still its run's answer.
    await (await run.sts()).send(command);
    expect(count('sts', 'GetCallerIdentity')).toBe(3);
  });

  it('the same command sent twice at once through a bound set is one read', async () => {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const run = bindSharedReads(clients, 'read-only');
    const command = new GetCallerIdentityCommand({});
    const sts = await run.sts();
    await Promise.all([sts.send(command), sts.send(command)]);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
  });

  it('a write through the bound set drops what it may change', async () => {
    const run = bindSharedReads(clients, 'read-only');
    const ecr = (await run.ecr()) as unknown as Sender;
    await ecr.send(new DescribeRepositoriesCommand({}));
    await ecr.send(new DescribeRepositoriesCommand({}));
    expect(count('ecr', 'DescribeRepositories')).toBe(1);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'bound/new' }));
    const after = await ecr.send(new DescribeRepositoriesCommand({}));
    expect(count('ecr', 'DescribeRepositories')).toBe(2);
    expect(after.repositories?.map((r) => r.repositoryName)).toContain('bound/new');
  });

  it("a stack's checks open no async context and still read each role once", async () => {
    await applyStack(clients, stack, { yes: true });
    emu.resetCalls();
    const opened = await asyncContextsOpenedBy(() => checkStack(clients, stack));
    expect(opened).toBe(0);
    const getRole = emu.calls({ service: 'iam', operation: 'GetRole' }).map((c) => c.input.RoleName);
    expect(getRole.sort()).toEqual(['seed-cluster-autoscaler', 'seed-gitlab-runner-build']);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
  });

  it('the spy sees an async context: withSharedReads opens one (it would fail if it could not)', async () => {
    // A plan opened one until issue 21 bound plan, apply and destroy to their client sets too
    // (test/bound-runs.test.ts); a library caller's withSharedReads still does.
    expect(
      await asyncContextsOpenedBy(() => withSharedReads('read-only', () => planStack(clients, stack))),
    ).toBeGreaterThan(0);
  });
});

function setTimeoutPromise(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
