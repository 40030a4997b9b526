import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { describe, expect, it } from 'vitest';
import {
  certificatesFor,
  cliEnv,
  runCli,
  SEED_LOG,
  SEED_STACK,
  seedWorld,
  tempDir,
  useSeedEmulator,
} from './helpers.js';

let emu: Emulator;
useSeedEmulator(
  (e) => {
    emu = e;
  },
  { resetEach: true },
);

const withEndpoint = (...args: string[]) => [...args, '--endpoint-url', emu.url];

describe('the seed stack against the emulator (built CLI as a child process)', () => {
  it('applies, re-plans to no changes without a mutating call, and checks clean', async () => {
    const apply = await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes'));
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('+ iam role seed-cluster-autoscaler');
    expect(apply.stdout).toContain('fix k8s.io/cluster-autoscaler/enabled: "1" -> "true"');
    expect(apply.stdout).toMatch(/certificate \*\.foo\.example\.com: ISSUED/);
    expect(emu.calls({ mutating: true }).length).toBeGreaterThan(0);

    emu.resetCalls();
    const plan = await runCli(withEndpoint('plan', '-f', SEED_STACK, '--detailed-exitcode'));
    expect(plan.code).toBe(0);
    expect(plan.stdout.trim()).toBe('No changes. AWS matches the stack.');
    expect(emu.calls({ mutating: true })).toEqual([]);

    const json = await runCli(withEndpoint('plan', '-f', SEED_STACK, '--json'));
    expect(JSON.parse(json.stdout)).toMatchObject({ stack: 'seed', changes: [], counts: { total: 0 } });

    const check = await runCli(withEndpoint('check', '-f', SEED_STACK, '--json'));
    expect(check.code).toBe(0);
    const report = JSON.parse(check.stdout) as { findings: Array<{ check: string; status: string }> };
    expect(report.findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(report.findings.map((f) => f.check)).toEqual(
      expect.arrayContaining([
        'drift.autoscaler.tags',
        'drift.certificates',
        'autoscaler.tags',
        'certificate.status',
      ]),
    );
    expect(emu.calls({ mutating: true })).toEqual([]);
    expect(certificatesFor(emu, '*.foo.example.com')).toHaveLength(1);
  }, 60_000);

  it('plans the whole seed set-up before apply, with --detailed-exitcode 2 and no mutating call', async () => {
    const plan = await runCli(withEndpoint('plan', '-f', SEED_STACK, '--detailed-exitcode'));
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('~ autoscaling group seed-workers-a');
    expect(plan.stdout).toContain('+ ecr repository seed/app/cache');
    expect(plan.stdout).toMatch(/Plan: \d+ to create, \d+ to update, 0 to delete\./);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('apply --no-wait returns before the certificate is issued; a later apply waits and converges', async () => {
    const first = await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait', '--json'));
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as { outcome: string; certificates: Array<{ status: string }> };
    expect(result.outcome).toBe('applied');
    expect(result.certificates[0]?.status).toBe('PENDING_VALIDATION');
    const second = await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--json'));
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      outcome: 'unchanged',
      counts: { total: 0 },
      certificates: [{ status: 'ISSUED' }],
    });
  }, 60_000);

  it('two concurrent applies leave one certificate (deterministic idempotency token)', async () => {
    const [a, b] = await Promise.all([
      runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes')),
      runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes')),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(certificatesFor(emu, '*.foo.example.com')).toHaveLength(1);
    const plan = await runCli(withEndpoint('plan', '-f', SEED_STACK, '--detailed-exitcode'));
    expect(plan.code).toBe(0);
  }, 60_000);

  it('AWS_ENDPOINT_URL works as in the SDK (no --endpoint-url)', async () => {
    const plan = await runCli(['plan', '-f', SEED_STACK], { env: cliEnv({ AWS_ENDPOINT_URL: emu.url }) });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/Plan: \d+ to create/);
    expect(emu.calls().length).toBeGreaterThan(0);
  });

  it('--verbose prints the AWS calls per operation at the end', async () => {
    const plan = await runCli(withEndpoint('plan', '-f', SEED_STACK, '--verbose'));
    expect(plan.code).toBe(0);
    expect(plan.stderr).toMatch(/AWS calls \(\d+ in all, \d+ attempts\):/);
    expect(plan.stderr).toMatch(/autoScaling:DescribeAutoScalingGroups\s+\d+ call/);
  });

  it('check finds drift when the world is put back to the seed behind its back (groups untagged), and exits 2', async () => {
    expect((await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--no-wait'))).code).toBe(0);
    emu.seed(seedWorld());
    const check = await runCli(withEndpoint('check', '-f', SEED_STACK));
    expect(check.code).toBe(2);
    expect(check.stdout).toMatch(/FAIL\s+drift\.autoscaler\.tags/);
    expect(check.stdout).toMatch(/\d+ failure\(s\)\./);
  }, 60_000);
});

describe('render', () => {
  it('writes the files atomically, refuses to overwrite edited ones without --force', async () => {
    const out = tempDir();
    const args = ['render', '-f', SEED_STACK, '--out', out, '--account-id', '123456789012'];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    for (const file of [
      'helmfile.yaml',
      'values/cluster-autoscaler.yaml',
      'values/metrics-server.yaml',
      '.gitlab-ci.yml',
    ])
      expect(existsSync(join(out, file))).toBe(true);
    expect(statSync(join(out, 'docker/config.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, 'values/cluster-autoscaler.yaml'), 'utf8')).toContain(
      'eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/seed-cluster-autoscaler',
    );
    expect(JSON.parse(readFileSync(join(out, 'docker/config.json'), 'utf8'))).toEqual({
      credHelpers: { '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com': 'ecr-login' },
    });
    expect((await runCli(args)).code).toBe(0); // its own unedited files: fine
    writeFileSync(join(out, 'helmfile.yaml'), '# mine\n');
    const refused = await runCli(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('helmfile.yaml');
    expect(readFileSync(join(out, 'helmfile.yaml'), 'utf8')).toBe('# mine\n');
    expect((await runCli([...args, '--force'])).code).toBe(0);
    expect(readFileSync(join(out, 'helmfile.yaml'), 'utf8')).toContain('cluster-autoscaler');
  }, 60_000);
});

describe('commands that need no AWS', () => {
  it('--version and --help', async () => {
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runCli(['--help']);
    expect(help.stdout).toContain('Examples:');
    // The exit-code table: invalid input never shares a code with plan's "changes" (2).
    expect(help.stdout).toMatch(/^ {2}2 +plan --detailed-exitcode: there are changes/m);
    expect(help.stdout).toMatch(/^ {2}64 +invalid input/m);
    expect(help.stdout).toMatch(/129, 130, 143 +stopped by SIGHUP, SIGINT \(Ctrl-C\) or SIGTERM/);
    const planHelp = await runCli(['plan', '--help']);
    expect(planHelp.code).toBe(0);
    expect(planHelp.stdout).toContain('--detailed-exitcode');
  });

  it('init writes a starter the CLI reads back, and will not overwrite it', async () => {
    const dir = tempDir();
    const init = await runCli(['init', '--name', 'prod', '--cluster', 'prod-eks', '--region', 'eu-west-1'], {
      cwd: dir,
    });
    expect(init.code).toBe(0);
    expect(readFileSync(join(dir, 'eks-kit.yaml'), 'utf8')).toContain('name: prod-eks');
    const helmfile = await runCli(['helm', 'helmfile'], { cwd: dir });
    expect(helmfile.code).toBe(0);
    expect(helmfile.stdout).toContain('chart: autoscaler/cluster-autoscaler');
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  it('autoscaler logs reads the sample log from a file and from standard input', async () => {
    const fromFile = await runCli(['autoscaler', 'logs', SEED_LOG]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toContain('scale-up   seed-workers-a 2 -> 3 (max 8), finished in 120.79s');
    const fromStdin = await runCli(['autoscaler', 'logs', '-', '--json'], {
      input: readFileSync(SEED_LOG, 'utf8'),
    });
    // --json is one object a line (issue 19: live streams); the report is the last line.
    const lines = fromStdin.stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]!) as {
      kind: string;
      stats: { malformed: number };
      diagnoses: Array<{ code: string }>;
    };
    expect(report.kind).toBe('report');
    expect(report.stats.malformed).toBe(1);
    expect(report.diagnoses.length).toBeGreaterThan(0);
    // the demo's sample log shows the new diagnoses (issue 19: at least three)
    expect(report.diagnoses.map((d) => d.code)).toEqual(
      expect.arrayContaining(['scale-down-blocked', 'max-size-reached', 'not-similar']),
    );
    expect(
      lines.slice(0, -1).every((l) => typeof (JSON.parse(l) as { kind?: unknown }).kind === 'string'),
    ).toBe(true);
  });
});
