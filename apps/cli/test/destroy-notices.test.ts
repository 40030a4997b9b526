/**
 * `eks-kit destroy` says when a scan read each resource's tags on its own (issue 21): a caller without
 * `tag:GetResources` still finds the same resources, and is told once, on stderr and in `--json`.
 */
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, SEED_STACK, seedWorld, startWorldEmulator } from './helpers.js';

const NO_TAGGING = 'AKIDNOTAGGING';
let emu: Emulator;
beforeAll(async () => {
  const seed = seedWorld();
  const world: World = {
    ...seed,
    identities: {
      ...(seed.identities ?? {}),
      [NO_TAGGING]: { arn: `arn:aws:iam::${seed.accountId}:user/no-tagging`, deny: ['tag:GetResources'] },
    },
    // Three repositories made by hand beside the stack's: more than one to look at, so the scan asks
    // the Tagging API first.
    ecr: { repositories: ['team/a', 'team/b', 'team/c'].map((name) => ({ name })) },
  };
  emu = await startWorldEmulator(world);
});
afterAll(() => emu.stop());

describe('eks-kit destroy: the scans fallback warning (built CLI against the emulator)', () => {
  it('prints one warning on stderr and lists it in --json; nothing else changes', async () => {
    const env = cliEnv({ AWS_ACCESS_KEY_ID: NO_TAGGING });
    const args = ['destroy', '-f', SEED_STACK, '--yes', '--endpoint-url', emu.url];
    const run = await runCli(args, { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Nothing to destroy');
    expect(run.stderr).toContain(
      'warning: ecr repositories tagged eks-kit:stack=seed: read the tags of 3 repositories one by one',
    );
    expect(run.stderr).toContain('grant tag:GetResources');
    const json = await runCli([...args, '--json'], { env });
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { notices: Array<{ check: string; resource: string }> };
    expect(out.notices).toEqual([
      expect.objectContaining({
        check: 'stack.orphans.tags',
        resource: 'ecr repositories tagged eks-kit:stack=seed',
      }),
    ]);
  });
});
