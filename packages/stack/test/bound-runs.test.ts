/**
 * Issue 21: plan, apply (its plan phase, its fresh run after a confirm, its certificate wait),
 * runSteps and destroy bind their runs of shared reads to their client sets, so none enters an
 * `AsyncLocalStorage` context (in Node 20 and 22 one makes Node run a promise hook for every promise
 * of the process from then on: docs/PERFORMANCE.md, "The CLI without async hooks"), and they share
 * exactly what they shared in one: one account and cluster read per apply, a fresh run after a
 * confirm, a wait that sees each new DescribeCertificate. Call counts against the emulator; the
 * async contexts are counted by wrapping `AsyncLocalStorage.prototype.run` and `enterWith` (the only
 * ways in: `withSharedReads` and `sharedReadsRun` use `run`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, sendRead } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  applyStack,
  bindSharedReads,
  destroyStack,
  parseStack,
  planDestroy,
  planStack,
  shareReads,
  withSharedReads,
} from '../src/index.js';
import { runSteps } from '../src/orchestrate/run-steps.js';
import { bindFreshRun } from '../src/orchestrate/shared-reads.js';
import { seedExample, useStackEmulator } from './support/emulator.js';

const { stackText, world } = seedExample();
const stack = parseStack(stackText);

let emu: Emulator;
let clients: AwsClients;
useStackEmulator(world, 'reset', (e, c) => {
  emu = e;
  clients = c;
});

const count = (service: string, operation: string) => emu.calls({ service, operation }).length;

/** `fn`'s result and how many AsyncLocalStorage contexts were entered (run or enterWith) while it ran. */
async function withContextsCounted<T>(fn: () => Promise<T>): Promise<{ result: T; contexts: number }> {
  const proto = AsyncLocalStorage.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const originals = { run: proto.run, enterWith: proto.enterWith };
  let contexts = 0;
  for (const name of ['run', 'enterWith'] as const) {
    const original = originals[name] as (...a: unknown[]) => unknown;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      contexts++;
      return original.apply(this, args);
    };
  }
  try {
    return { result: await fn(), contexts };
  } finally {
    proto.run = originals.run as (...a: unknown[]) => unknown;
    proto.enterWith = originals.enterWith as (...a: unknown[]) => unknown;
  }
}

describe('plan, apply and destroy open no async context (issue 21)', () => {
  it('the counter sees a context: a library caller`s withSharedReads is one', async () => {
    const { contexts } = await withContextsCounted(() =>
      withSharedReads('read-only', () => planStack(clients, stack)),
    );
    expect(contexts).toBe(1);
  });

  it('plan: no context, one account and cluster read', async () => {
    const { result, contexts } = await withContextsCounted(() => planStack(clients, stack));
    expect(contexts).toBe(0);
    expect(result.changes.length).toBeGreaterThan(0);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
  });

  it('apply --yes: no context; its plan phase, writes and wait share one account, cluster and zone read', async () => {
    const { result, contexts } = await withContextsCounted(() => applyStack(clients, stack, { yes: true }));
    expect(contexts).toBe(0);
    expect(result.certificates.map((c) => c.status)).toEqual(['ISSUED']);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
    expect(count('route53', 'ListHostedZonesByName')).toBe(1);
  });

  it('apply with a confirm: no context; after the confirm a fresh run reads AWS again', async () => {
    let asked = 0;
    const { result, contexts } = await withContextsCounted(() =>
      applyStack(clients, stack, {
        confirm: async () => {
          asked++;
          return true;
        },
      }),
    );
    expect(contexts).toBe(0);
    expect(asked).toBe(1);
    expect(result.certificates.map((c) => c.status)).toEqual(['ISSUED']);
    // The plan phase's run, then the fresh run of the writes (nested in none): each reads them once.
    expect(count('sts', 'GetCallerIdentity')).toBe(2);
    expect(count('eks', 'DescribeCluster')).toBe(2);
    expect(count('route53', 'ListHostedZonesByName')).toBe(2);
  });

  it('the wait (a poll run nested in the apply`s) sees each new DescribeCertificate', async () => {
    // ACM validates 2,500 emulated seconds (2.5 s at the test's 1000x) after the record appears: the
    // wait looks more than once after the write; a shared answer would keep it PENDING_VALIDATION.
    emu.behaviour.acmValidationSeconds = 2500;
    const { result, contexts } = await withContextsCounted(() =>
      applyStack(clients, stack, { yes: true, timeoutMs: 60_000 }),
    );
    expect(contexts).toBe(0);
    expect(result.certificates.map((c) => c.status)).toEqual(['ISSUED']);
    const calls = emu.calls();
    const write = calls.findIndex((c) => c.operation === 'ChangeResourceRecordSets' && c.status === 200);
    expect(write).toBeGreaterThanOrEqual(0);
    const looks = calls.slice(write + 1).filter((c) => c.operation === 'DescribeCertificate');
    expect(looks.length).toBeGreaterThanOrEqual(2);
    // The zones (run-stable) stay shared with the apply's run.
    expect(count('route53', 'ListHostedZonesByName')).toBe(1);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
  }, 60_000);

  it('a second apply (no changes): no context, one account and cluster read', async () => {
    await applyStack(clients, stack, { yes: true });
    emu.resetCalls();
    const { result, contexts } = await withContextsCounted(() => applyStack(clients, stack, { yes: true }));
    expect(contexts).toBe(0);
    expect(result.changes).toEqual([]);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('runSteps: no context; nested in a bound run, it shares the run`s reads', async () => {
    const run = bindSharedReads(clients, 'read-only');
    const { contexts } = await withContextsCounted(async () => {
      await runSteps(run, stack, { dryRun: true });
      await runSteps(run, stack, { dryRun: true });
    });
    expect(contexts).toBe(0);
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
    expect(count('eks', 'DescribeCluster')).toBe(1);
  });

  it('a run bound from a bound set is nested in it; a poll run shares only the stable reads; a fresh one nothing', async () => {
    const outer = bindSharedReads(clients, 'stable');
    const inner = bindSharedReads(outer, 'read-only');
    const poll = bindSharedReads(outer, 'poll');
    const account = (run: AwsClients) => sendRead(run, 'sts', 'GetCallerIdentity', {});
    const repositories = (run: AwsClients) => sendRead(run, 'ecr', 'DescribeRepositories', {});
    const { contexts } = await withContextsCounted(async () => {
      // Sets made from the nested run (shareReads of it, another region's, back) stay in it.
      for (const run of [outer, inner, poll, shareReads(inner), inner.withRegion('us-east-1')])
        await account(run);
      await repositories(inner);
      await repositories(outer);
      await repositories(poll);
      await repositories(poll);
      await account(bindFreshRun(inner, 'stable'));
    });
    expect(contexts).toBe(0);
    // The outer run's one read; the other region's own; the fresh run's.
    expect(count('sts', 'GetCallerIdentity')).toBe(3);
    // Shared by the outer and the nested run; each poll read goes to AWS.
    expect(count('ecr', 'DescribeRepositories')).toBe(3);
  });

  it('plans nested in a library caller`s withSharedReads share its reads', async () => {
    await withSharedReads('read-only', async () => {
      await planStack(clients, stack);
      await planStack(clients, stack);
    });
    expect(count('sts', 'GetCallerIdentity')).toBe(1);
  });

  it('destroy (planned, with yes, with a confirm): no context; each run reads the account once', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.resetCalls();
    const { result: plan, contexts: planned } = await withContextsCounted(() => planDestroy(clients, stack));
    expect(planned).toBe(0);
    expect(plan.deleted.length).toBeGreaterThan(0);
    expect(emu.calls({ mutating: true })).toEqual([]);
    emu.resetCalls();
    const { result, contexts } = await withContextsCounted(() =>
      destroyStack(clients, stack, { confirm: async () => true }),
    );
    expect(contexts).toBe(0);
    expect(result.deleted).toEqual(plan.deleted);
    // The plan shown to the person, then the destroy's own run.
    expect(count('ec2', 'DescribeRegions')).toBe(2);
    emu.resetCalls();
    const again = await withContextsCounted(() => destroyStack(clients, stack, { yes: true }));
    expect(again.contexts).toBe(0);
    expect(again.result.deleted).toEqual([]);
    expect(count('ec2', 'DescribeRegions')).toBe(1);
  });
});
