/**
 * scanRepositoriesOfStack (issue 21): the stack's repositories among a registry's others, found with one
 * Tagging API call (more than one candidate) or each candidate's tags (one candidate, or the Tagging API
 * refused), always within the registry's live listing and never one named in `skip`.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { findRepositoriesOfStack, scanRepositoriesOfStack } from '../src/index.js';
import { ACCOUNT, clientsFor, REGION, useEcrEmulator, world } from './helpers.js';

const mine = { 'eks-kit:stack': 'prod' };
let emu: Emulator;
let clients: AwsClients;
useEcrEmulator(
  world({
    identities: {
      AKIDNOTAGGING: { arn: `arn:aws:iam::${ACCOUNT}:user/no-tagging`, deny: ['tag:GetResources'] },
    },
    ecr: {
      repositories: [
        // The stack file's own (in `skip`), 3 orphans, another stack's, hand-made ones.
        { name: 'prod/app', tags: mine },
        { name: 'prod/app/cache', tags: mine },
        { name: 'prod/old-a', tags: mine },
        { name: 'prod/old-b', tags: mine },
        { name: 'prod/old-c', tags: mine },
        { name: 'dev/app', tags: { 'eks-kit:stack': 'dev' } },
        ...Array.from({ length: 12 }, (_, i) => ({ name: `team/svc-${i}` })),
        // Tagged like the stack in another region: not this region's.
        { name: 'prod/far', region: 'us-west-2', tags: mine },
      ],
    },
  }),
  (e, c) => {
    emu = e;
    clients = c;
  },
);
const SKIP = ['prod/app', 'prod/app/cache'];
const ORPHANS = ['prod/old-a', 'prod/old-b', 'prod/old-c'];
const count = (operation: string): number => emu.calls().filter((c) => c.operation === operation).length;

describe('scanRepositoriesOfStack', () => {
  it('finds the orphans with one listing and one GetResources, never a skipped repository', async () => {
    expect(await scanRepositoriesOfStack(clients, 'prod', SKIP)).toEqual({ repositories: ORPHANS });
    expect(count('DescribeRepositories')).toBe(1);
    expect(count('GetResources')).toBe(1);
    expect(count('ListTagsForResource')).toBe(0);
    // Without the skip list the file's own are the stack's too.
    expect(await findRepositoriesOfStack(clients, 'prod')).toEqual([
      'prod/app',
      'prod/app/cache',
      ...ORPHANS,
    ]);
  });

  it('ignores what the Tagging API still names after a deletion (stale entries)', async () => {
    emu.behaviour.taggingStale = [
      {
        ResourceARN: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/prod/deleted-yesterday`,
        Tags: [{ Key: 'eks-kit:stack', Value: 'prod' }],
      },
    ];
    try {
      expect((await scanRepositoriesOfStack(clients, 'prod', SKIP)).repositories).toEqual(ORPHANS);
    } finally {
      delete emu.behaviour.taggingStale;
    }
  });

  it('reads each candidate when tag:GetResources is refused, and says so; the answer is the same', async () => {
    const denied = await clientsFor(emu, 'AKIDNOTAGGING');
    try {
      const scan = await scanRepositoriesOfStack(denied, 'prod', SKIP);
      expect(scan.repositories).toEqual(ORPHANS);
      expect(scan.notice).toMatch(/^read the tags of 16 repositories one by one: .*tag:GetResources/);
      expect(count('GetResources')).toBe(1);
      expect(count('ListTagsForResource')).toBe(16);
    } finally {
      denied.destroy();
    }
  });

  it('reads the one candidate itself, with no Tagging API call', async () => {
    const all = [
      ...SKIP,
      ...ORPHANS.slice(1),
      'dev/app',
      ...Array.from({ length: 12 }, (_, i) => `team/svc-${i}`),
    ];
    expect(await scanRepositoriesOfStack(clients, 'prod', all)).toEqual({ repositories: ['prod/old-a'] });
    expect(count('GetResources')).toBe(0);
    expect(count('ListTagsForResource')).toBe(1);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      scanRepositoriesOfStack(clients, 'prod', SKIP, { signal: controller.signal }),
    ).rejects.toThrow();
  });
});
