/**
 * A worker group whose `eks-kit:stack` tag was removed by hand (issue 21, new-user trial): plan shows
 * one change for it, the adopt change naming the tag to set, not a second bare `~` line.
 */
import { describe, expect, it } from 'vitest';
import { runCli, SEED_STACK, useResetSeedEmulator } from './helpers.js';

const seed = useResetSeedEmulator();

describe('eks-kit plan after the stack tag is removed from one group (built CLI against the emulator)', () => {
  it('one change for the group, with a summary naming eks-kit:stack=seed', async () => {
    expect((await runCli(seed.withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'))).code).toBe(0);
    // aws autoscaling delete-tags --tags ResourceId=seed-workers-a,...,Key=eks-kit:stack
    const groups = seed.emu().state.autoscaling as { groups: Map<string, { tags: Map<string, unknown> }> };
    expect(groups.groups.get('seed-workers-a')?.tags.delete('eks-kit:stack')).toBe(true);

    const plan = await runCli(seed.withEndpoint('plan', '-f', SEED_STACK, '--detailed-exitcode'));
    expect(plan.code).toBe(2);
    expect(plan.stdout).toBe(
      [
        '~ autoscaling group seed-workers-a',
        '    ~ adopt: exists without eks-kit:stack (made by hand); add eks-kit:stack=seed and manage it from now on',
        '',
        'Plan: 0 to create, 1 to update, 0 to delete.',
        '',
      ].join('\n'),
    );
    expect((await runCli(seed.withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'))).code).toBe(0);
    const again = await runCli(seed.withEndpoint('plan', '-f', SEED_STACK, '--detailed-exitcode'));
    expect(again.code).toBe(0);
  });
});
