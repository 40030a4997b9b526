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
    expect(second.stdout.trim()).toBe(
      'Nothing to destroy: no resource of stack seed found (certificates looked for in ap-northeast-1; a certificate the stack made in another region is not seen: eks-kit destroy --all-regions looks in every region enabled for the account).',
    );
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a role and a repository tagged for the stack but gone from the file (applied without --prune): destroy deletes them, a second destroy finds nothing', async () => {
    // The stack once had seed/extra and the GitLab build role; the file no longer has them.
    const before = writeIn(
      tempDir(),
      'eks-kit.yaml',
      seedWith('repositories:\n', 'repositories:\n  - name: seed/extra\n'),
    );
    expect((await runCli(withEndpoint('apply', '-f', before, '--yes', '--no-wait'))).code).toBe(0);
    const withoutGitlab = writeIn(
      tempDir(),
      'eks-kit.yaml',
      seedWith(/\ngitlab:\n[\s\S]*?\n\nchecks:/, '\nchecks:'),
    );
    const first = await runCli(withEndpoint('destroy', '-f', withoutGitlab, '--yes', '--json'));
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { deleted: string[]; kept: unknown[] };
    expect(out.deleted).toEqual(
      expect.arrayContaining([
        'ecr repository seed/extra',
        expect.stringMatching(/^iam role seed-gitlab-runner-build/),
      ]),
    );
    expect(out.kept).toEqual([]);
    emu.resetCalls();
    const second = await runCli(withEndpoint('destroy', '-f', withoutGitlab, '--yes'));
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe(
      'Nothing to destroy: no resource of stack seed found (certificates looked for in ap-northeast-1; a certificate the stack made in another region is not seen: eks-kit destroy --all-regions looks in every region enabled for the account).',
    );
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('without --yes on a pipe: exit 64 naming --yes, and no AWS call', async () => {
    const run = await runCli(withEndpoint('destroy', '-f', SEED_STACK));
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--yes');
    expect(emu.calls({})).toEqual([]);
  });
});
