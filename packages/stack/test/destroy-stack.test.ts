import { readFileSync } from 'node:fs';
import { CreateRoleCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, destroyStack, findOrphans, type Orphan, parseStack, planDestroy } from '../src/index.js';
import { startStackEmulator, stopStackEmulator } from './support/emulator.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const stack = parseStack(readFileSync(new URL('eks-kit.yaml', root), 'utf8'));
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  ({ emu, clients } = await startStackEmulator(world));
});
afterAll(() => stopStackEmulator(emu, clients));
beforeEach(() => emu.reset());
const mutating = (): string[] => emu.calls({ mutating: true }).map((c) => `${c.service}:${c.operation}`);

type Ecr = { repositories: Map<string, { name: string; images: Map<string, unknown> }> };
type Iam = { roles: Map<string, unknown> };
type Acm = { certificates: Map<string, unknown> };

async function groupTags(): Promise<Record<string, string[]>> {
  const groups = (emu.state.autoscaling as { groups: Map<string, { tags: Map<string, unknown> }> }).groups;
  return Object.fromEntries([...groups].map(([name, g]) => [name, [...g.tags.keys()].sort()]));
}

/** What a destroy answers when nothing of the stack is left: it looked in the stack's own region. */
const NOTHING_LEFT = {
  changes: [],
  deleted: [],
  kept: [],
  certificateRegions: ['ap-northeast-1'],
  failedRegions: [],
  notices: [],
};

describe('planDestroy / destroyStack on the seed stack', () => {
  it('plans with reads only, deletes in reverse dependency order, then a second destroy makes no mutating call', async () => {
    const before = await groupTags();
    await applyStack(clients, stack, { yes: true });
    emu.resetCalls();
    const plan = await planDestroy(clients, stack);
    expect(mutating()).toEqual([]);
    expect(plan.kept).toEqual([]);
    const kinds = plan.deleted.map((r) => r.split(' ').slice(0, 2).join(' '));
    expect(kinds).toEqual([
      'acm certificate',
      'ecr repository',
      'ecr repository',
      'iam role',
      'iam role',
      ...kinds.filter((k) => k === 'autoscaling group'),
    ]);
    expect(kinds.filter((k) => k === 'autoscaling group').length).toBeGreaterThan(0);

    const done = await destroyStack(clients, stack, { yes: true });
    expect(done.changes).toEqual(plan.changes);
    expect(done.deleted).toEqual(plan.deleted);
    expect([...(emu.state.acm as Acm).certificates.values()]).toEqual([]);
    expect([...(emu.state.ecr as Ecr).repositories.values()].map((r) => r.name)).not.toContain('seed/app');
    expect((emu.state.iam as Iam).roles.has('seed-cluster-autoscaler')).toBe(false);
    // The worker groups stay, with the tags they had before the stack (adopted: made by hand).
    const after = await groupTags();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [name, keys] of Object.entries(after)) expect(keys, name).not.toContain('eks-kit:stack');

    emu.resetCalls();
    const again = await destroyStack(clients, stack, { yes: true });
    expect(again).toEqual(NOTHING_LEFT);
    expect(mutating()).toEqual([]);
  });

  it('keeps a repository that holds images unless forceDeleteImages, saying why and which flag allows it', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    const repo = [...(emu.state.ecr as Ecr).repositories.values()].find((r) => r.name === 'seed/app');
    repo?.images.set('sha256:1', { digest: 'sha256:1', tags: new Set(['v1']), pushedAt: 0, manifest: '{}' });
    const kept = await destroyStack(clients, stack, { yes: true });
    expect(kept.kept).toEqual([
      expect.objectContaining({
        resource: 'ecr repository seed/app',
        because: 'refused',
        hint: expect.stringContaining('--force-delete-images'),
      }),
    ]);
    const forced = await destroyStack(clients, stack, { yes: true, forceDeleteImages: true });
    expect(forced.deleted).toEqual(['ecr repository seed/app']);
    expect(forced.kept).toEqual([]);
  });

  it("removes the stack's orphans (roles and repositories tagged for it that the file no longer names): planned with reads only, a repository with images kept unless forceDeleteImages, another stack's role untouched, a second destroy makes no mutating call", async () => {
    const text = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
    // The stack once had seed/extra, seed/old and the GitLab build role; the file no longer has them
    // (applied since without --prune).
    const wider = parseStack(
      text.replace('repositories:\n', 'repositories:\n  - name: seed/extra\n  - name: seed/old\n'),
    );
    await applyStack(clients, wider, { yes: true, wait: false });
    const narrower = parseStack(text.replace(/\ngitlab:\n[\s\S]*?\n\nchecks:/, '\nchecks:'));
    expect(narrower.gitlab).toBeUndefined();
    // Beside it: a role of another stack named like this one's (its own eks-kit:stack tag), and one
    // made by hand without any tag.
    const iam = await clients.iam();
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'seed-gitlab-runner-build-2',
        AssumeRolePolicyDocument: trust,
        Tags: [{ Key: 'eks-kit:stack', Value: 'seedling' }],
      }),
    );
    await iam.send(new CreateRoleCommand({ RoleName: 'seed-by-hand', AssumeRolePolicyDocument: trust }));
    // The checks Lambda's roles, tagged for the stack but CloudFormation's to delete: one deployed
    // before the template tagged eks-kit:managed-by (found by its default name), one with a custom
    // function name and the tag.
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'eks-kit-checks-seed',
        AssumeRolePolicyDocument: trust,
        Tags: [{ Key: 'eks-kit:stack', Value: 'seed' }],
      }),
    );
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'seed-checker-run',
        AssumeRolePolicyDocument: trust,
        Tags: [
          { Key: 'eks-kit:stack', Value: 'seed' },
          { Key: 'eks-kit:managed-by', Value: 'cloudformation' },
        ],
      }),
    );
    const old = [...(emu.state.ecr as Ecr).repositories.values()].find((r) => r.name === 'seed/old');
    old?.images.set('sha256:1', { digest: 'sha256:1', tags: new Set(['v1']), pushedAt: 0, manifest: '{}' });

    emu.resetCalls();
    const plan = await planDestroy(clients, narrower);
    expect(mutating()).toEqual([]);
    expect(plan.deleted).toEqual(
      expect.arrayContaining(['ecr repository seed/extra', 'iam role seed-gitlab-runner-build']),
    );
    expect(plan.kept).toEqual([
      expect.objectContaining({ resource: 'ecr repository seed/old', because: 'refused' }),
    ]);

    const done = await destroyStack(clients, narrower, { yes: true });
    expect(done.deleted).toEqual(plan.deleted);
    const roles = (emu.state.iam as Iam).roles;
    expect(roles.has('seed-gitlab-runner-build')).toBe(false);
    expect(roles.has('seed-gitlab-runner-build-2')).toBe(true);
    expect(roles.has('seed-by-hand')).toBe(true);
    expect(roles.has('eks-kit-checks-seed')).toBe(true);
    expect(roles.has('seed-checker-run')).toBe(true);
    const names = () => [...(emu.state.ecr as Ecr).repositories.values()].map((r) => r.name);
    expect(names()).not.toContain('seed/extra');
    expect(names()).toContain('seed/old');

    const forced = await destroyStack(clients, narrower, { yes: true, forceDeleteImages: true });
    expect(forced.deleted).toEqual(['ecr repository seed/old']);
    expect(names()).not.toContain('seed/old');
    emu.resetCalls();
    const again = await destroyStack(clients, narrower, { yes: true });
    expect(again).toEqual(NOTHING_LEFT);
    expect(mutating()).toEqual([]);
  });

  it('an orphan re-tagged for another stack between the scan and the deletion is kept, not deleted (ownership is read again at the delete)', async () => {
    const text = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
    await applyStack(clients, stack, { yes: true, wait: false });
    const narrower = parseStack(text.replace(/\ngitlab:\n[\s\S]*?\n\nchecks:/, '\nchecks:'));
    const [orphan] = (await findOrphans(clients, narrower)).filter((o) => o.resource.startsWith('iam role'));
    expect(orphan?.resource).toBe('iam role seed-gitlab-runner-build');
    const iam = await clients.iam();
    await iam.send(
      new TagRoleCommand({
        RoleName: 'seed-gitlab-runner-build',
        Tags: [{ Key: 'eks-kit:stack', Value: 'someone-else' }],
      }),
    );
    emu.resetCalls();
    const outcome = await (orphan as Orphan).remove({});
    expect(outcome).toMatchObject({ outcome: 'kept', keptBecause: 'not-owned' });
    expect(mutating()).toEqual([]);
    expect((emu.state.iam as Iam).roles.has('seed-gitlab-runner-build')).toBe(true);
  });

  it('refuses without yes or confirm, and deletes nothing when confirm says no', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.resetCalls();
    await expect(destroyStack(clients, stack, {})).rejects.toThrow(/yes: expected/);
    await expect(destroyStack(clients, stack, { confirm: async () => false })).rejects.toThrow(/cancelled/);
    expect(mutating()).toEqual([]);
  });
});
