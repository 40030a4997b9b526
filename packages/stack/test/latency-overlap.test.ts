/**
 * Issue 22, the remaining gaps to the latency floor: independent reads and deletions are in flight
 * at once, dependent writes stay in order, shared reads are sent once. Overlap is shown with a gate
 * (a middleware that holds the first call until the second has arrived: calls made one after the
 * other never open it), order with the emulator's call log; never with timings.
 */
import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { callGate, startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, type ClientMiddleware, createClients } from '@eks-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { applyStack, checkStack, destroyStack, parseStack } from '../src/index.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const stack = parseStack(readFileSync(new URL('eks-kit.yaml', root), 'utf8'));
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;

let emu: Emulator | undefined;
let clients: AwsClients | undefined;
afterEach(async () => {
  clients?.destroy();
  await emu?.stop();
  emu = undefined;
  clients = undefined;
});

async function start(middleware: ClientMiddleware[] = []) {
  const test = await startTestEmulator({ seed: world });
  emu = test.emulator;
  clients = await createClients({
    ...test.clientConfig(),
    middleware,
    quotas: { speed: 1000 },
  });
  return { emu, clients };
}

const ops = (e: Emulator, operation: string) => e.calls({ operation });

describe('check: the node-group shapes two calls deep, one read per distinct question', () => {
  it('reads both groups` launch templates at once and sends each DescribeAutoScalingGroups once', async () => {
    const templates = callGate(['DescribeLaunchTemplateVersions'], 2);
    const { emu, clients } = await start([templates]);
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.resetCalls();
    await checkStack(clients, stack);
    expect(templates.arrived()).toHaveLength(2);
    // The cluster-tagged groups; the selected ones (the tags' drift and the set-up ask the same) are
    // answered from them once apply has tagged them (issue 21 review; group-tag-listing.test.ts).
    const groups = ops(emu, 'DescribeAutoScalingGroups');
    expect(groups).toHaveLength(1);
    expect(ops(emu, 'DescribeLaunchTemplateVersions')).toHaveLength(2);
    // Issue 21 review: the two groups' types (t3.large, m5.large) in one call, shared by the
    // node-template and the balancing findings (each asked for itself before: 2 calls).
    expect(ops(emu, 'DescribeInstanceTypes')).toHaveLength(1);
    expect(ops(emu, 'ListCertificates')).toHaveLength(1);
  });
});

describe('destroy: independent deletions at once, dependent ones in order', () => {
  it('deletes the two roles at once; a cache repository before its repository; the record before the certificate', async () => {
    const roles = callGate(['DeleteRole'], 2);
    const { emu, clients } = await start([roles]);
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.resetCalls();
    const result = await destroyStack(clients, stack, { yes: true });
    expect(roles.arrived()).toHaveLength(2);
    const writes = emu.calls({ mutating: true });
    const repositories = writes
      .filter((c) => c.operation === 'DeleteRepository')
      .map((c) => c.input.repositoryName);
    expect(repositories).toEqual(['seed/app/cache', 'seed/app']);
    const at = (op: string) => writes.findIndex((c) => c.operation === op);
    expect(at('ChangeResourceRecordSets')).toBeGreaterThanOrEqual(0);
    expect(at('ChangeResourceRecordSets')).toBeLessThan(at('DeleteCertificate'));
    // Both worker groups' tags go in one DeleteTags call.
    expect(ops(emu, 'DeleteTags')).toHaveLength(1);
    // The result still reads in the sequential order.
    expect(result.deleted.filter((d) => d.startsWith('ecr repository'))).toEqual([
      'ecr repository seed/app/cache',
      'ecr repository seed/app',
    ]);
    expect(result.deleted.filter((d) => d.startsWith('iam role'))).toEqual([
      'iam role seed-gitlab-runner-build',
      'iam role seed-cluster-autoscaler',
    ]);
    // One listing of the registry answers both names (issue 21), and the cache's deletion does not
    // make the repository's reads go to AWS again.
    expect(ops(emu, 'DescribeRepositories')).toHaveLength(1);
    emu.resetCalls();
    expect((await destroyStack(clients, stack, { yes: true })).changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });
});
