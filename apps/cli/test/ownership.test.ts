/**
 * Issue 14 through the built CLI: the seed's hand-made groups are adopted in words, a stack that
 * would take over what it does not own is refused before any write (exit 1, the blocker and its
 * fix), `--adopt` takes over what was made by hand, and a write that fails half-way prints what
 * was already changed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli, SEED_STACK, SEED_TEXT, seedWorld, tempDir, useSeedEmulator } from './helpers.js';

let emu: Emulator;
useSeedEmulator((e) => {
  emu = e;
});
beforeEach(() => {
  emu.seed(seedWorld());
  emu.resetCalls();
});

const withEndpoint = (...args: string[]) => [...args, '--endpoint-url', emu.url];
function stackFile(text: string): string {
  const file = join(tempDir(), 'eks-kit.yaml');
  writeFileSync(file, text);
  return file;
}
const noAdopt = () => stackFile(SEED_TEXT.replace(/\n\s+adopt: true\n/, '\n'));

describe('eks-kit plan / apply and ownership', () => {
  it('the seed plan says in words that it adopts the hand-made worker groups', async () => {
    const plan = await runCli(withEndpoint('plan', '-f', SEED_STACK));
    expect(plan.code).toBe(0);
    for (const g of ['seed-workers-a', 'seed-workers-b'])
      expect(plan.stdout).toContain(
        `~ autoscaling group ${g}\n    ~ adopt: exists without eks-kit:stack (made by hand); add eks-kit:stack=seed and manage it from now on\n`,
      );
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('without adopt: plan exits 1 naming each group and how to adopt; apply exits 1 before any write', async () => {
    const file = noAdopt();
    const plan = await runCli(withEndpoint('plan', '-f', file));
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(
      'ownership.adopt: autoscaling group seed-workers-a exists without the tag eks-kit:stack',
    );
    expect(plan.stderr).toContain('eks-kit apply --adopt, or set autoscaler.workerGroups.adopt: true');
    const apply = await runCli(withEndpoint('apply', '-f', file, '--yes', '--no-wait'));
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(
      /apply blocked, nothing was changed: autoscaling group seed-workers-a exists without/,
    );
    expect(apply.stderr).toContain('--adopt');
    expect(apply.stderr).not.toContain('Already changed');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('apply --adopt takes them over; plan --adopt shows them adopted without blocking', async () => {
    const file = noAdopt();
    const plan = await runCli(withEndpoint('plan', '-f', file, '--adopt'));
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('adopt: exists without eks-kit:stack (made by hand)');
    const apply = await runCli(withEndpoint('apply', '-f', file, '--yes', '--no-wait', '--adopt'));
    expect(apply.code).toBe(0);
    emu.resetCalls();
    const again = await runCli(withEndpoint('plan', '-f', file, '--detailed-exitcode'));
    expect(again.code).toBe(0);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a second stack naming the first one`s resources is refused, naming both stacks, even with --adopt', async () => {
    expect((await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'))).code).toBe(0);
    emu.resetCalls();
    const other = stackFile(SEED_TEXT.replace(/^name: seed$/m, 'name: other'));
    const apply = await runCli(withEndpoint('apply', '-f', other, '--yes', '--no-wait', '--adopt'));
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(
      'iam role seed-cluster-autoscaler belongs to stack seed (tag eks-kit:stack=seed), not other',
    );
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a plan blocked with nothing to change does not say "AWS matches the stack" (found trying eks-kit as a new user)', async () => {
    expect((await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'))).code).toBe(0);
    // Someone hands the build role to another stack behind eks-kit's back.
    const iam = emu.state.iam as { roles: Map<string, { tags: Array<{ Key: string; Value: string }> }> };
    const role = iam.roles.get('seed-gitlab-runner-build');
    if (!role) throw new Error('the seed apply made no seed-gitlab-runner-build role');
    role.tags = [
      ...role.tags.filter((tag) => tag.Key !== 'eks-kit:stack'),
      { Key: 'eks-kit:stack', Value: 'other' },
    ];
    emu.resetCalls();
    const plan = await runCli(withEndpoint('plan', '-f', SEED_STACK, '--detailed-exitcode'));
    expect(plan.code).toBe(1);
    expect(plan.stdout).not.toContain('AWS matches the stack');
    expect(plan.stdout).toContain('No changes to make, but apply is blocked');
    expect(plan.stderr).toContain('belongs to stack other (tag eks-kit:stack=other), not seed');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a write AWS refuses half-way: apply prints what it had already changed, always; the next run converges', async () => {
    const world = seedWorld() as World & Record<string, unknown>;
    world.identities = {
      AKIDHALF: { arn: 'arn:aws:iam::123456789012:user/ci', deny: ['ecr:CreateRepository'] },
    };
    emu.seed(world);
    const env = cliEnv({ AWS_ACCESS_KEY_ID: 'AKIDHALF', AWS_MAX_ATTEMPTS: '1' });
    const apply = await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'), { env });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(
      'Apply stopped half-way. Already changed (run eks-kit apply again to converge):',
    );
    expect(apply.stderr).toContain('iam role seed-cluster-autoscaler: create role');
    expect(apply.stderr).toMatch(/ecr:CreateRepository/);
    const rerun = await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'));
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('seed/app');
  });
});
