/**
 * Issue 21: a run reads the registry's repositories once. One DescribeRepositories listing (the
 * orphans' listing, started by the prefetch or by destroy) answers every "does repository X exist"
 * of the run, a name missing from a complete listing getting ECR's RepositoryNotFoundException; a
 * listing with more pages answers nothing and each name is asked of AWS. Asserted with the
 * emulator's call log, never with timings.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, EksKitError, isNotFoundError } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applyStack,
  checkStack,
  destroyStack,
  parseStack,
  planStack,
  shareReads,
  withSharedReads,
} from '../src/index.js';
import { startRepositoryListing } from '../src/orchestrate/shared-reads.js';
import { stackClients } from './support/emulator.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const seedText = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
const seed = parseStack(seedText);
/** The seed stack without the kaniko cache repository: `seed/app` only. */
const withoutCache = parseStack(seedText.replace(/\n\s+cache: true\n/, '\n'));
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;

// The SDK's command classes, from the package that builds the clients (stack has no SDK dependency).
const sdk = createRequire(new URL('../../core/package.json', import.meta.url));
type CommandClass = new (input: object) => object;
const { DescribeRepositoriesCommand, CreateRepositoryCommand, DeleteRepositoryCommand } = sdk(
  '@aws-sdk/client-ecr',
) as Record<
  'DescribeRepositoriesCommand' | 'CreateRepositoryCommand' | 'DeleteRepositoryCommand',
  CommandClass
>;
interface Ecr {
  send(command: object): Promise<{ repositories?: Array<{ repositoryName?: string }>; nextToken?: string }>;
}

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
  emu.setFaults([]);
  emu.resetCalls();
  clients?.destroy();
  clients = await stackClients(emu);
});

/** The DescribeRepositories calls that reached the emulator since the last reset, by input. */
const described = () => emu.calls({ service: 'ecr', operation: 'DescribeRepositories' }).map((c) => c.input);
const ecrWrites = () =>
  emu
    .calls({ service: 'ecr', mutating: true })
    .map((c) => `${c.operation} ${String(c.input.repositoryName)}`);

describe('one DescribeRepositories per run (examples/seed)', () => {
  it('first apply, plan, check, destroy and a second destroy each list the registry once and ask no name', async () => {
    await applyStack(clients, seed, { yes: true, wait: false });
    expect(described()).toEqual([{ maxResults: 1000 }]);
    expect(ecrWrites()).toEqual([
      'CreateRepository seed/app',
      'PutLifecyclePolicy seed/app',
      'CreateRepository seed/app/cache',
      'PutLifecyclePolicy seed/app/cache',
    ]);
    for (const run of [() => planStack(clients, seed), () => checkStack(clients, seed)]) {
      emu.resetCalls();
      await run();
      expect(described()).toEqual([{ maxResults: 1000 }]);
    }
    emu.resetCalls();
    await destroyStack(clients, seed, { yes: true });
    expect(described()).toEqual([{ maxResults: 1000 }]);
    expect(ecrWrites()).toEqual(['DeleteRepository seed/app/cache', 'DeleteRepository seed/app']);
    emu.resetCalls();
    await destroyStack(clients, seed, { yes: true });
    expect(described()).toEqual([{ maxResults: 1000 }]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('the idempotent second apply: one listing, no mutating call', async () => {
    await applyStack(clients, seed, { yes: true, wait: false });
    emu.resetCalls();
    const again = await applyStack(clients, seed, { yes: true, wait: false });
    expect(again.changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
    expect(described()).toEqual([{ maxResults: 1000 }]);
  });
});

describe('some repositories missing', () => {
  it('a new repository beside an existing one: one listing, only the new one is created', async () => {
    await applyStack(clients, withoutCache, { yes: true, wait: false });
    emu.resetCalls();
    const plan = await planStack(clients, seed);
    expect(described()).toEqual([{ maxResults: 1000 }]);
    const repoChanges = plan.changes.filter((c) => c.resource.startsWith('ecr repository'));
    expect(repoChanges.filter((c) => c.action === 'create').map((c) => c.resource)).toEqual([
      'ecr repository seed/app/cache',
    ]);
    emu.resetCalls();
    await applyStack(clients, seed, { yes: true, wait: false });
    expect(described()).toEqual([{ maxResults: 1000 }]);
    expect(ecrWrites()).toEqual(['CreateRepository seed/app/cache', 'PutLifecyclePolicy seed/app/cache']);
  });

  it('a repository deleted behind eks-kit`s back is planned and created again', async () => {
    await applyStack(clients, seed, { yes: true, wait: false });
    const ecr = (await clients.ecr()) as unknown as Ecr;
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'seed/app/cache' }));
    emu.resetCalls();
    const plan = await planStack(clients, seed);
    expect(described()).toEqual([{ maxResults: 1000 }]);
    expect(
      plan.changes
        .filter((c) => c.resource.startsWith('ecr repository') && c.action === 'create')
        .map((c) => c.resource),
    ).toEqual(['ecr repository seed/app/cache']);
    emu.resetCalls();
    await applyStack(clients, seed, { yes: true, wait: false });
    expect(described()).toEqual([{ maxResults: 1000 }]);
    expect(ecrWrites()).toEqual(['CreateRepository seed/app/cache', 'PutLifecyclePolicy seed/app/cache']);
  });

  it('a repository of the same name that another stack owns is still refused before any write', async () => {
    const ecr = (await clients.ecr()) as unknown as Ecr;
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'seed/app',
        tags: [{ Key: 'eks-kit:stack', Value: 'team-b' }],
      }),
    );
    emu.resetCalls();
    const error = await applyStack(clients, seed, { yes: true, wait: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EksKitError);
    expect((error as EksKitError).message).toContain('ecr repository seed/app belongs to stack team-b');
    expect(emu.calls({ mutating: true })).toEqual([]);
    expect(described()).toEqual([{ maxResults: 1000 }]);
  });
});

describe('shared reads: a name answered from the run`s listing', () => {
  it('a complete listing answers present and missing names; the missing one is ECR`s RepositoryNotFoundException', async () => {
    const run = shareReads(clients);
    const ecr = (await run.ecr()) as unknown as Ecr;
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/there' }));
    emu.resetCalls();
    const [there, missing] = await withSharedReads('read-only', async () => {
      await ecr.send(new DescribeRepositoriesCommand({ maxResults: 1000 }));
      return [
        await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/there'] })),
        await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/gone'] })).catch((e) => e),
      ];
    });
    expect(described()).toEqual([{ maxResults: 1000 }]);
    expect(
      (there as { repositories: Array<{ repositoryName: string }> }).repositories.map(
        (r) => r.repositoryName,
      ),
    ).toEqual(['team/there']);
    expect(isNotFoundError(missing)).toBe(true);
    expect((missing as Error).name).toBe('RepositoryNotFoundException');
    expect((missing as Error).message).toMatch(
      /^The repository with name 'team\/gone' does not exist in the registry/,
    );
  });

  it('a name asked while the run`s listing is still on its way waits for it and is answered by it', async () => {
    const ecr = (await clients.ecr()) as unknown as Ecr;
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/early' }));
    const run = shareReads(clients);
    const runEcr = (await run.ecr()) as unknown as Ecr;
    emu.resetCalls();
    const [early, gone] = await withSharedReads('read-only', async () => {
      // The listing is started first, but sendRead loads its command and client before it sends:
      // the name reads, sent right after, reach the shared reads before it does.
      const listed = startRepositoryListing(run);
      const asked = await Promise.all([
        runEcr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/early'] })),
        runEcr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/late'] })).catch((e) => e),
      ]);
      await listed;
      return asked;
    });
    expect(described()).toEqual([{ maxResults: 1000 }]);
    expect(
      (early as { repositories?: Array<{ repositoryName?: string }> }).repositories?.[0]?.repositoryName,
    ).toBe('team/early');
    expect(isNotFoundError(gone)).toBe(true);
  });

  it('a listing with more pages answers no name: each is asked of AWS, and AWS answers', async () => {
    // 101 repositories: the unpaged listing ({}) shows 100 and a nextToken.
    const bulk = Array.from({ length: 101 }, (_, i) => ({ name: `bulk/r${String(i).padStart(3, '0')}` }));
    emu.seed({ ...world, ecr: { ...world.ecr, repositories: bulk } });
    const run = (await shareReads(clients).ecr()) as unknown as Ecr;
    emu.resetCalls();
    const [first, last, gone] = await withSharedReads('read-only', async () => {
      const page = await run.send(new DescribeRepositoriesCommand({}));
      expect(page.nextToken).toBeDefined();
      return [
        await run.send(new DescribeRepositoriesCommand({ repositoryNames: ['bulk/r000'] })),
        await run.send(new DescribeRepositoriesCommand({ repositoryNames: ['bulk/r100'] })),
        await run.send(new DescribeRepositoriesCommand({ repositoryNames: ['bulk/none'] })).catch((e) => e),
      ];
    });
    expect(described()).toEqual([
      {},
      { repositoryNames: ['bulk/r000'] },
      { repositoryNames: ['bulk/r100'] },
      { repositoryNames: ['bulk/none'] },
    ]);
    expect(first.repositories?.[0]?.repositoryName).toBe('bulk/r000');
    expect(
      (last as { repositories?: Array<{ repositoryName?: string }> }).repositories?.[0]?.repositoryName,
    ).toBe('bulk/r100');
    expect(isNotFoundError(gone)).toBe(true);
  });
});
