import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
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
  it('plan shows each as a `-` change with the reason; apply leaves them unless prune; check warns', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    emu.resetCalls();
    const plan = await planStack(clients, smaller);
    const deletes = plan.changes.filter((c) => c.action === 'delete' && c.summary.startsWith('orphan:'));
    expect(deletes.map((c) => c.resource).sort()).toEqual(ORPHANS);
    expect(deletes[0]?.summary).toContain('apply --prune');
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
    expect((await planStack(clients, smaller)).changes).toEqual([]);
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
    expect(asked.sort()).toEqual(ORPHANS.map((r) => `delete ${r}`));
    expect(mutating()).toEqual([]);
  });

  it('a resource tagged for another stack or untagged is never an orphan', async () => {
    await applyStack(clients, stack, { yes: true, wait: false });
    const other = { ...smaller, name: 'other' };
    const plan = await planStack(clients, other);
    expect(plan.changes.filter((c) => c.summary.startsWith('orphan:'))).toEqual([]);
  });
});
