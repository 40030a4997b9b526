/**
 * The orphan scan in an account people really have (issue 21): dozens of repositories and
 * certificates made by hand or by other stacks beside the stack's own. The scan finds the stack's
 * orphans exactly, with one Resource Groups Tagging API call per kind and region instead of one tag
 * read per resource; a caller without `tag:GetResources` gets the same answer from per-resource reads.
 */
import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { TEST_CREDENTIALS, TEST_REGION } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStack, destroyStack, findOrphans, parseStack, planDestroy, planStack } from '../src/index.js';
import { startStackEmulator, stopStackEmulator } from './support/emulator.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const stack = parseStack(readFileSync(new URL('eks-kit.yaml', root), 'utf8'));
const seedWorld = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
const DENIED_KEY = 'AKIDNOTAGGING';
const ownerOf = (i: number, mine: number, others: number): string | undefined =>
  i < mine ? stack.name : i < mine + others ? 'other' : undefined;
// 40 repositories beside the stack's: 2 more of this stack (orphans), 8 of another stack, 30 by hand;
// 12 certificates beside the stack's: 2 of this stack (orphans), 4 of another stack, 6 by hand.
const repositories = Array.from({ length: 40 }, (_, i) => {
  const owner = ownerOf(i, 2, 8);
  return { name: `${owner ?? 'team'}/svc-${i}`, ...(owner ? { tags: { 'eks-kit:stack': owner } } : {}) };
});
const certificates = Array.from({ length: 12 }, (_, i) => {
  const owner = ownerOf(i, 2, 4);
  return { domainName: `host-${i}.foo.example.com`, ...(owner ? { tags: { 'eks-kit:stack': owner } } : {}) };
});
const world = {
  ...seedWorld,
  identities: {
    ...(seedWorld.identities ?? {}),
    [DENIED_KEY]: { arn: `arn:aws:iam::${seedWorld.accountId}:user/no-tagging`, deny: ['tag:GetResources'] },
  },
  ecr: { ...(seedWorld.ecr ?? {}), repositories: [...(seedWorld.ecr?.repositories ?? []), ...repositories] },
  acm: { ...(seedWorld.acm ?? {}), certificates: [...(seedWorld.acm?.certificates ?? []), ...certificates] },
} as World;
// The stack with its GitLab section and repositories taken out of the file.
const smaller = { ...stack, gitlab: undefined, repositories: [] };

let emu: Emulator;
let clients: AwsClients;

const counts = (): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const c of emu.calls())
    out[`${c.service}:${c.operation}`] = (out[`${c.service}:${c.operation}`] ?? 0) + 1;
  return out;
};

beforeAll(async () => {
  ({ emu, clients } = await startStackEmulator(world));
  await applyStack(clients, stack, { yes: true, wait: false });
});
afterAll(() => stopStackEmulator(emu, clients));

describe('orphans in a crowded account', () => {
  it('finds exactly the stack orphans with one GetResources per kind and region, no tag read per resource', async () => {
    emu.resetCalls();
    const orphans = await findOrphans(clients, smaller);
    // The stack's own repositories and runner role (gone from the smaller file), the 2 hand-tagged
    // repositories and the 2 certificates of this stack; nothing of `other` or made by hand.
    expect(orphans.map((o) => o.resource.replace(/ \(arn:aws:acm:[^)]+\)$/, ' (arn)')).sort()).toEqual([
      'acm certificate host-0.foo.example.com (arn)',
      'acm certificate host-1.foo.example.com (arn)',
      'ecr repository seed/app',
      'ecr repository seed/app/cache',
      'ecr repository seed/svc-0',
      'ecr repository seed/svc-1',
      'iam role seed-gitlab-runner-build',
    ]);
    const calls = counts();
    expect(calls['ecr:ListTagsForResource'] ?? 0).toBe(0);
    expect(calls['acm:ListTagsForCertificate'] ?? 0).toBe(0);
    // One for the repositories, one for the certificates of the cluster's region (the only region
    // with more than one candidate).
    expect(calls['tagging:GetResources']).toBe(2);
  });

  it('answers the same from per-resource reads when the caller may not call the Tagging API', async () => {
    const withTagging = (await findOrphans(clients, smaller)).map((o) => o.resource);
    const denied = await createClients({
      region: TEST_REGION,
      endpoint: emu.url,
      credentials: { ...TEST_CREDENTIALS, accessKeyId: DENIED_KEY },
      maxAttempts: 3,
    });
    try {
      emu.resetCalls();
      const without = (await findOrphans(denied, smaller)).map((o) => o.resource);
      expect(without).toEqual(withTagging);
      const calls = counts();
      expect(calls['tagging:GetResources']).toBe(2); // refused once for each kind that asked
      // Every repository and certificate the file does not name: 40 + 2 and 12.
      expect(calls['ecr:ListTagsForResource']).toBe(42);
      expect(calls['acm:ListTagsForCertificate']).toBe(12);
      // destroy (its plan: no write) finds the same orphans and says the same thing once.
      const plan = await planDestroy(denied, smaller);
      expect(plan.notices.map((n) => [n.check, n.status, n.resource])).toEqual([
        ['stack.orphans.tags', 'warn', 'acm certificates of ap-northeast-1 tagged eks-kit:stack=seed'],
        ['stack.orphans.tags', 'warn', 'ecr repositories tagged eks-kit:stack=seed'],
      ]);
      expect(plan.notices[0]?.message).toContain('tag:GetResources');
    } finally {
      denied.destroy();
    }
  });

  it('a plan shows the same orphans and writes nothing', async () => {
    emu.resetCalls();
    const plan = await planStack(clients, smaller);
    const orphanChanges = plan.orphans.map((o) => o.resource);
    expect(orphanChanges.sort()).toEqual((await findOrphans(clients, smaller)).map((o) => o.resource).sort());
    expect(emu.calls({ mutating: true })).toEqual([]);
    // The plan's run (shared reads) sends the Tagging API calls too: none of the 42 repositories or 12
    // certificates is read on its own (the one certificate tag read is the file's own certificate).
    emu.resetCalls();
    await planStack(clients, smaller);
    const calls = counts();
    expect(calls['tagging:GetResources']).toBe(2);
    expect(calls['ecr:ListTagsForResource'] ?? 0).toBe(0);
    expect(calls['acm:ListTagsForCertificate'] ?? 0).toBeLessThanOrEqual(1);
  });

  // Last: it deletes the stack's resources from the shared emulator.
  it('destroy finds the stack certificates among the others with one GetResources, and deletes only those', async () => {
    emu.resetCalls();
    const result = await destroyStack(clients, stack, { yes: true });
    const certificates = result.deleted.filter((r) => r.startsWith('acm certificate'));
    // The stack's own certificate and its 2 hand-tagged ones; none of the other stack's or hand-made.
    expect(certificates.map((r) => r.replace(/ \(arn:aws:acm:[^)]+\)$/, '')).sort()).toEqual(
      [
        `acm certificate ${stack.certificates[0]?.domainName}`,
        'acm certificate host-0.foo.example.com',
        'acm certificate host-1.foo.example.com',
      ].sort(),
    );
    const calls = counts();
    // No tag read to find them (GetResources, once for the region); each deletion re-reads its own
    // certificate's tags (the owned-only rule), so 3 in all, not 15.
    expect(calls['acm:ListTagsForCertificate']).toBe(3);
    // One for the region's certificates, one for the registry's repositories (the orphan scan).
    expect(calls['tagging:GetResources']).toBe(2);
    const left = emu.state.acm as { certificates: Map<string, { domainName: string }> };
    expect([...left.certificates.values()].map((c) => c.domainName).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `host-${i + 2}.foo.example.com`).sort(),
    );
  });
});
