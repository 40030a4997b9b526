import type { Emulator } from '@eks-kit/aws-emulator';
import { describe, expect, it } from 'vitest';
import { runCli, SEED_STACK, seedWith, tempDir, useSeedEmulator, writeIn } from './helpers.js';

let emu: Emulator;
useSeedEmulator(
  (e) => {
    emu = e;
  },
  { resetEach: true },
);
const withEndpoint = (...args: string[]) => [...args, '--endpoint-url', emu.url];

describe('eks-kit destroy (built CLI against the emulator)', () => {
  it('destroys the seed stack with --yes --json, then a second run deletes nothing and makes no mutating call', async () => {
    expect((await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes'))).code).toBe(0);
    const first = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes', '--json'));
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { stack: string; deleted: string[]; kept: unknown[] };
    expect(out.stack).toBe('seed');
    expect(out.kept).toEqual([]);
    expect(out.deleted).toEqual(
      expect.arrayContaining(['ecr repository seed/app', 'iam role seed-cluster-autoscaler']),
    );
    expect(out.deleted.some((r) => r.startsWith('autoscaling group seed-workers-a'))).toBe(true);

    emu.resetCalls();
    const second = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes'));
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe('Nothing to destroy: AWS holds nothing of stack seed.');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a repository tagged for the stack but gone from the file: destroy names it as left, never "AWS holds nothing" (found trying eks-kit as a new user)', async () => {
    // The stack once had seed/extra; the file no longer has it (and apply ran without --prune).
    const before = writeIn(
      tempDir(),
      'eks-kit.yaml',
      seedWith('repositories:\n', 'repositories:\n  - name: seed/extra\n'),
    );
    expect((await runCli(withEndpoint('apply', '-f', before, '--yes', '--no-wait'))).code).toBe(0);
    const first = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes'));
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(
      'left ecr repository seed/extra: tagged for this stack but no longer in the stack file',
    );
    emu.resetCalls();
    const second = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes', '--json'));
    expect(second.code).toBe(1);
    expect(second.stdout).not.toContain('AWS holds nothing');
    const out = JSON.parse(second.stdout) as { deleted: string[]; left: Array<{ resource: string }> };
    expect(out.deleted).toEqual([]);
    expect(out.left.map((l) => l.resource)).toEqual(['ecr repository seed/extra']);
    const text = await runCli(withEndpoint('destroy', '-f', SEED_STACK, '--yes'));
    expect(text.stdout).not.toContain('AWS holds nothing');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('without --yes on a pipe: exit 64 naming --yes, and no AWS call', async () => {
    const run = await runCli(withEndpoint('destroy', '-f', SEED_STACK));
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--yes');
    expect(emu.calls({})).toEqual([]);
  });
});
