import type { Emulator, World } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SEED_STACK, seedWorld, startWorldEmulator } from './helpers.js';

// A cluster whose IAM OIDC provider was never created: IRSA cannot work, so the plan says the
// autoscaler role is blocked and what to do first (docs/AWS-FACTS.md#iam-trust-for-pods: IRSA trusts the provider ARN).
let emu: Emulator;
beforeAll(async () => {
  const world = seedWorld();
  const seed: World = { ...world, iam: { ...world.iam, oidcProviders: [] } };
  emu = await startWorldEmulator(seed);
});
afterAll(async () => {
  await emu.stop();
});

const cli = (...args: string[]) => runCli([...args, '-f', SEED_STACK, '--endpoint-url', emu.url]);

describe('plan with a blocking finding (IRSA without the IAM OIDC provider)', () => {
  it('prints the plan and the finding, says what to do first, exits 1, changes nothing', async () => {
    emu.resetCalls();
    const plan = await cli('plan');
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/iam role seed-cluster-autoscaler/);
    expect(plan.stdout).toMatch(/blocked: create the IAM OIDC provider/);
    expect(plan.stdout).toMatch(/FAIL\s+autoscaler\.oidc-provider/);
    // the GitLab build pod's role trusts the same provider: blocked too
    expect(plan.stdout).toMatch(/iam role seed-gitlab-runner-build/);
    expect(plan.stdout).toMatch(/FAIL\s+runner-role\.oidc-provider/);
    expect(plan.stderr).toMatch(/Apply is blocked: do this first/);
    expect(plan.stderr).toMatch(/eksctl utils associate-iam-oidc-provider --cluster seed/);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('--json includes the findings and blocked: true', async () => {
    const plan = await cli('plan', '--json');
    expect(plan.code).toBe(1);
    const out = JSON.parse(plan.stdout) as {
      findings: Array<{ check: string; status: string }>;
      blocked: boolean;
    };
    expect(out.blocked).toBe(true);
    expect(out.findings).toMatchObject([
      { check: 'autoscaler.oidc-provider', status: 'fail' },
      { check: 'runner-role.oidc-provider', status: 'fail' },
    ]);
  });
});

describe('apply with a blocking finding', () => {
  it('apply --yes exits 1 with one line (what blocks, the hint) and makes no mutating call', async () => {
    emu.resetCalls();
    const apply = await cli('apply', '--yes', '--no-wait');
    expect(apply.code).toBe(1);
    const lines = apply.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Error: apply blocked, nothing was changed: IAM has no OIDC provider for cluster seed .*\(blocks iam role seed-cluster-autoscaler, iam role seed-gitlab-runner-build\) \(hint: create the cluster's IAM OIDC provider: eksctl utils associate-iam-oidc-provider --cluster seed/,
    );
    expect(apply.stdout).toBe('');
    // not even the worker group tags, the step before the roles (call log)
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('apply --yes --json: one JSON document on stdout (outcome blocked), the same one line on stderr, exit 1', async () => {
    emu.resetCalls();
    const apply = await cli('apply', '--yes', '--no-wait', '--json');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/apply blocked, nothing was changed/);
    const doc = JSON.parse(apply.stdout) as {
      outcome: string;
      changed: boolean;
      error: { code: string; message: string; hint?: string };
    };
    expect(doc).toMatchObject({ outcome: 'blocked', changed: false, error: { code: 'ApplyBlocked' } });
    expect(doc.error.message).toMatch(/^apply blocked, nothing was changed: IAM has no OIDC provider/);
    expect(doc.error.hint).toMatch(/eksctl utils associate-iam-oidc-provider --cluster seed/);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('apply --json without --yes off a terminal: the refusal is a JSON document too', async () => {
    const apply = await cli('apply', '--json');
    expect(apply.code).not.toBe(0);
    expect(JSON.parse(apply.stdout)).toMatchObject({
      outcome: 'invalid-input',
      changed: false,
      error: { code: 'InvalidInput', message: expect.stringMatching(/--yes/) },
    });
  });
});

describe('autoscaler fit --vm-memory-overhead-percent', () => {
  it('prints the VM memory overhead, and the flag changes it', async () => {
    const standard = await cli('autoscaler', 'fit', '--cpu', '1', '--instance-type', 'm5.large');
    expect(standard.code).toBe(0);
    // m5.large: 8192 MiB, 7.5% by default
    expect(standard.stdout).toMatch(/VM memory overhead 614\.4Mi/);
    const none = await cli(
      'autoscaler',
      'fit',
      '--cpu',
      '1',
      '--instance-type',
      'm5.large',
      '--vm-memory-overhead-percent',
      '0',
    );
    expect(none.stdout).toMatch(/VM memory overhead 0Mi/);
    const json = await cli('autoscaler', 'fit', '--cpu', '1', '--instance-type', 'm5.large', '--json');
    const { results } = JSON.parse(json.stdout) as { results: Array<{ vmMemoryOverheadMiB: number }> };
    expect(results[0]?.vmMemoryOverheadMiB).toBe(614.4);
  });
});
