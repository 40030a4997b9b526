import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { type AwsClients, type Change, countChanges } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, checkStack, parseStack, planStack } from '../src/index.js';
import { startStackEmulator, stopStackEmulator } from './support/emulator.js';

const root = new URL('../../../examples/seed/', import.meta.url);
const text = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
const stack = parseStack(text);
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
// The same stack with its GitLab section and repositories taken out of the file.
const smaller = { ...stack, gitlab: undefined, repositories: [] };

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  ({ emu, clients } = await startStackEmulator(world));
});
afterAll(() => stopStackEmulator(emu, clients));
beforeEach(() => emu.reset());
const mutating = (): string[] => emu.calls({ mutating: true }).map((c) => `${c.service}:${c.operation}`);
const ORPHANS = [
  'ecr repository seed/app',
  'ecr repository seed/app/cache',
  'iam role seed-gitlab-runner-build',
];

describe('orphans: tagged for the stack, gone from the file', () => {
  it('plan lists each apart with the reason (no change: apply leaves them unless prune); check warns', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.resetCalls();
    const plan = await planStack(clients, smaller);
    expect(plan.changes).toEqual([]);
    expect(plan.orphans.map((o) => o.resource).sort()).toEqual(ORPHANS);
    expect(plan.orphans[0]?.reason).toBe('tagged for this stack but no longer in the stack file');
    expect(mutating()).toEqual([]);

    const kept = await applyStack(clients, smaller, { yes: true, wait: false });
    expect(kept.orphans.map((o) => o.resource).sort()).toEqual(ORPHANS);
    expect(mutating()).toEqual([]);

    const findings = await checkStack(clients, smaller);
    expect(
      findings
        .filter((f) => f.check === 'stack.orphan')
        .map((f) => [f.status, f.resource])
        .sort(),
    ).toEqual(ORPHANS.map((r) => ['warn', r]));

    const pruned = await applyStack(clients, smaller, { yes: true, wait: false, prune: true });
    expect(pruned.orphans).toEqual([]);
    expect(mutating()).toEqual(expect.arrayContaining(['ecr:DeleteRepository', 'iam:DeleteRole']));
    emu.resetCalls();
    expect(await planStack(clients, smaller, { prune: true })).toEqual({
      changes: [],
      findings: [],
      orphans: [],
    });
    expect((await planStack(clients, smaller)).orphans).toEqual([]);
    const again = await applyStack(clients, smaller, { yes: true, wait: false, prune: true });
    expect(again.changes).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it('apply --prune asks about the orphans it would delete, even when the file itself has no change', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    await applyStack(clients, smaller, { yes: true, wait: false }); // the file's own changes: none left
    emu.resetCalls();
    let asked: string[] = [];
    await expect(
      applyStack(clients, smaller, {
        prune: true,
        wait: false,
        confirm: async (changes) => {
          asked = changes.map((c) => `${c.action} ${c.resource}`);
          return false;
        },
      }),
    ).rejects.toThrow(/cancelled/);
    // Each deletion prune would make, as apply then reports it: a role is its inline policy and itself.
    expect(asked.sort()).toEqual(
      [...ORPHANS, 'iam role seed-gitlab-runner-build'].sort().map((r) => `delete ${r}`),
    );
    expect(mutating()).toEqual([]);
  });

  it('plan with prune shows the changes apply --prune then makes, and counts them alike (issue 21)', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    // After an apply without prune, a plan of that apply has no change (the orphans are left, listed).
    await applyStack(clients, smaller, { yes: true, wait: false });
    const plain = await planStack(clients, smaller);
    expect(plain.changes).toEqual([]);
    expect(plain.orphans).toHaveLength(ORPHANS.length);
    emu.resetCalls();
    const plan = await planStack(clients, smaller, { prune: true });
    expect(mutating()).toEqual([]);
    expect(plan.orphans).toEqual([]);
    // Four deletions for three orphans: the runner role's inline policy, then the role.
    expect(countChanges(plan.changes)).toMatchObject({ create: 0, update: 0, delete: 4 });
    const pruned = await applyStack(clients, smaller, { yes: true, wait: false, prune: true });
    const summaries = (changes: readonly Change[]) =>
      changes.map((c) => `${c.resource}: ${c.summary}`).sort();
    expect(summaries(plan.changes)).toEqual(summaries(pruned.changes));
    expect(countChanges(plan.changes)).toEqual(countChanges(pruned.changes));
  });

  it('a resource tagged for another stack or untagged is never an orphan', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    const other = { ...smaller, name: 'other' };
    const plan = await planStack(clients, other, { prune: true });
    expect(plan.changes.filter((c) => c.action === 'delete')).toEqual([]);
    expect(plan.orphans).toEqual([]);
  });
});
