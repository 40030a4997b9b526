import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { deleteRepository } from '../src/index.js';
import { useEcrEmulator, world } from './helpers.js';

const STACK = { 'eks-kit:stack': 'prod' };
let emu: Emulator;
let clients: AwsClients;
useEcrEmulator(
  world({
    ecr: {
      repositories: [
        { name: 'team/empty', tags: STACK },
        { name: 'team/full', tags: STACK, imageTags: ['v1', 'v2'] },
        { name: 'team/theirs', tags: { 'eks-kit:stack': 'other' } },
        { name: 'team/byhand' },
      ],
    },
  }),
  (e, c) => {
    emu = e;
    clients = c;
  },
);
const mutating = (): string[] => emu.calls({ service: 'ecr', mutating: true }).map((c) => c.operation);
const exists = async (name: string): Promise<boolean> =>
  (await clients.ecr())
    .send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))
    .then(() => true)
    .catch(() => false);

describe('deleteRepository against the emulator', () => {
  it('deletes an owned empty repository; dry run first makes no mutating call; a rerun is absent with none', async () => {
    const plan = await deleteRepository(clients, { name: 'team/empty', stack: 'prod' }, { dryRun: true });
    expect(plan.outcome).toBe('deleted');
    expect(mutating()).toEqual([]);
    const done = await deleteRepository(clients, { name: 'team/empty', stack: 'prod' });
    expect(done.changes).toEqual(plan.changes);
    expect(mutating()).toEqual(['DeleteRepository']);
    expect(await exists('team/empty')).toBe(false);
    emu.resetCalls();
    expect((await deleteRepository(clients, { name: 'team/empty', stack: 'prod' })).outcome).toBe('absent');
    expect(mutating()).toEqual([]);
  });

  it('keeps a repository with images (RepositoryNotEmptyException named, flag given) unless forceDeleteImages', async () => {
    const plan = await deleteRepository(clients, { name: 'team/full', stack: 'prod' }, { dryRun: true });
    expect(plan).toMatchObject({ outcome: 'kept', keptBecause: 'refused' });
    const refused = await deleteRepository(clients, { name: 'team/full', stack: 'prod' });
    expect(refused).toMatchObject({ outcome: 'kept', keptBecause: 'refused' });
    expect(refused.reason).toContain('RepositoryNotEmptyException');
    expect(refused.hint).toContain('--force-delete-images');
    expect(await exists('team/full')).toBe(true);
    const forced = await deleteRepository(clients, {
      name: 'team/full',
      stack: 'prod',
      forceDeleteImages: true,
    });
    expect(forced.outcome).toBe('deleted');
    expect(forced.changes[0]?.summary).toContain('2 image(s)');
    expect(await exists('team/full')).toBe(false);
  });

  it('never touches a foreign or untagged repository', async () => {
    for (const name of ['team/theirs', 'team/byhand']) {
      const r = await deleteRepository(clients, { name, stack: 'prod', forceDeleteImages: true });
      expect(r).toMatchObject({ outcome: 'kept', keptBecause: 'not-owned' });
      expect(await exists(name)).toBe(true);
    }
    expect(mutating()).toEqual([]);
  });

  it('refuses a bad name before any call', async () => {
    await expect(deleteRepository(clients, { name: 'Bad Name', stack: 'prod' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(emu.calls({})).toEqual([]);
  });
});
