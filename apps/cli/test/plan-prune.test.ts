/**
 * `eks-kit plan` tells what the apply of the same flags would do (issue 21, new-user trial): after an
 * apply without `--prune`, orphans (tagged for the stack, gone from the file) are listed apart and
 * count as no change, so `plan --detailed-exitcode` exits 0; `plan --prune` shows their deletions as
 * `-` changes, counted as `apply --prune` then counts them (a role is its inline policy and itself).
 */
import { describe, expect, it } from 'vitest';
import { runCli, SEED_STACK, seedWith, tempDir, useResetSeedEmulator, writeIn } from './helpers.js';

const seed = useResetSeedEmulator();
const { withEndpoint } = seed;
const mutating = () => seed.emu().calls({ mutating: true });
const ORPHANS = [
  'iam role seed-gitlab-runner-build',
  'ecr repository seed/app',
  'ecr repository seed/app/cache',
];

/** The seed stack file without its repositories and gitlab sections (the trial's copy). */
const withoutGitlab = (): string =>
  writeIn(
    tempDir(),
    'eks-kit.yaml',
    seedWith(/\nrepositories:[\s\S]*?\n\n/, '\n').replace(/\ngitlab:[\s\S]*?\n\n/, '\n'),
  );

type PlanJson = {
  prune: boolean;
  changes: Array<{ action: string; resource: string; summary: string }>;
  counts: { create: number; update: number; delete: number; total: number };
  orphans: Array<{ resource: string; reason: string }>;
};

describe('eks-kit plan and apply agree on orphans (built CLI against the emulator)', () => {
  it('after an apply without --prune, plan --detailed-exitcode exits 0 and lists the orphans apart', async () => {
    expect((await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'))).code).toBe(0);
    const file = withoutGitlab();
    const left = await runCli(withEndpoint('apply', '-f', file, '--yes', '--no-wait'));
    expect(left.code).toBe(0);
    expect(left.stdout).toContain('No changes. AWS matches the stack file.');
    expect(left.stderr).toContain('are no longer in the stack file and were left');

    const plan = await runCli(withEndpoint('plan', '-f', file, '--detailed-exitcode'));
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes. AWS matches the stack file.');
    expect(plan.stdout).toContain('Left (not in the file; `eks-kit apply --prune` deletes them):');
    for (const o of ORPHANS) expect(plan.stdout).toContain(`\n  ${o}`);
    expect(plan.stdout).not.toMatch(/to delete/);

    const json = JSON.parse((await runCli(withEndpoint('plan', '-f', file, '--json'))).stdout) as PlanJson;
    expect(json).toMatchObject({ prune: false, changes: [], counts: { total: 0 } });
    expect(json.orphans.map((o) => o.resource).sort()).toEqual([...ORPHANS].sort());
  });

  it('plan --prune shows the deletions apply --prune makes, with the same count (4 for 3 orphans)', async () => {
    expect((await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'))).code).toBe(0);
    const file = withoutGitlab();
    seed.emu().resetCalls();
    const planned = await runCli(
      withEndpoint('plan', '-f', file, '--prune', '--detailed-exitcode', '--json'),
    );
    expect(planned.code).toBe(2);
    expect(mutating()).toEqual([]);
    const plan = JSON.parse(planned.stdout) as PlanJson;
    expect(plan.orphans).toEqual([]);
    expect(plan.counts).toEqual({ create: 0, update: 0, delete: 4, total: 4 });
    expect(
      plan.changes.filter((c) => c.resource === 'iam role seed-gitlab-runner-build').map((c) => c.summary),
    ).toEqual(['delete inline policy ecr-push', 'delete role /seed-gitlab-runner-build']);
    const text = await runCli(withEndpoint('plan', '-f', file, '--prune'));
    expect(text.stdout).toContain('Plan: 0 to create, 0 to update, 4 to delete.');

    const pruned = await runCli(withEndpoint('apply', '-f', file, '--yes', '--no-wait', '--prune', '--json'));
    expect(pruned.code).toBe(0);
    const applied = JSON.parse(pruned.stdout) as PlanJson;
    expect(applied.counts).toEqual(plan.counts);
    const lines = (p: PlanJson) => p.changes.map((c) => `${c.resource}: ${c.summary}`).sort();
    expect(lines(applied)).toEqual(lines(plan));

    const after = await runCli(withEndpoint('plan', '-f', file, '--prune', '--detailed-exitcode'));
    expect(after.code).toBe(0);
    expect(after.stdout).toBe('No changes. AWS matches the stack.\n');
  });
});
